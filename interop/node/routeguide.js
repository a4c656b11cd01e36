// Loads the repository's protos/route_guide.proto with @grpc/proto-loader.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protoPath = path.join(__dirname, '..', '..', 'protos', 'route_guide.proto');
const definition = protoLoader.loadSync(protoPath, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });

module.exports = { grpc, routeguide: grpc.loadPackageDefinition(definition).routeguide };
