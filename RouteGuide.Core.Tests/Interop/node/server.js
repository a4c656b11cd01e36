// A RouteGuide server in Node.js with the original Go server's RecordRoute arithmetic: every segment's
// haversine distance is truncated to whole metres before it is added, and every catalog entry counts.
//   node server.js CATALOG.json     prints "listening PORT" once bound to 127.0.0.1, serves until stdin closes
'use strict';
const fs = require('fs');
const { grpc, routeguide } = require('./routeguide');

const catalog = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const known = new Set(catalog.map((f) => `${f.location.latitude},${f.location.longitude}`));

function segmentMetres(from, to) {
  const radians = (e7) => (e7 / 1e7) * Math.PI / 180;
  const lat1 = radians(from.latitude);
  const lat2 = radians(to.latitude);
  const dLat = lat2 - lat1;
  const dLon = radians(to.longitude) - radians(from.longitude);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
  return 6371000 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
}

function recordRoute(call, callback) {
  const started = process.hrtime.bigint();
  let pointCount = 0;
  let featureCount = 0;
  let distance = 0;
  let previous = null;
  call.on('data', (p) => {
    pointCount++;
    if (known.has(`${p.latitude},${p.longitude}`)) {
      featureCount++;
    }
    if (previous) {
      distance += Math.trunc(segmentMetres(previous, p));
    }
    previous = p;
  });
  call.on('end', () => {
    const elapsedTime = Number((process.hrtime.bigint() - started) / 1000000000n);
    callback(null, { pointCount, featureCount, distance, elapsedTime });
  });
}

const server = new grpc.Server();
server.addService(routeguide.RouteGuide.service, {
  recordRoute,
  getFeature: (call, callback) => callback(null, { name: '', location: call.request }),
  listFeatures: (call) => call.end(),
  routeChat: (call) => {
    call.on('data', () => {});
    call.on('end', () => call.end());
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`listening ${port}\n`);
});
process.stdin.on('end', () => server.forceShutdown());
process.stdin.resume();
