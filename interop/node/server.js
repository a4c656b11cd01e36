// A RouteGuide server in Node.js (@grpc/grpc-js) that behaves as the grpc-node example's server does:
//   - RecordRoute adds each segment's haversine distance as a float, counts only named catalog
//     entries at a point, and truncates the total once with `| 0`, which wraps past int32;
//   - GetFeature answers an unnamed feature at the same location when the catalog has none;
//   - ListFeatures streams the catalog entries inside the rectangle, in catalog order;
//   - RouteChat answers each note with the notes left earlier at its location, not including itself;
//     notes are shared by all calls.
//   node server.js CATALOG.json     prints "listening PORT" once bound to 127.0.0.1, serves until stdin closes
'use strict';
const fs = require('fs');
const { grpc, routeguide } = require('./routeguide');

const catalog = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const notes = new Map();

const keyOf = (point) => `${point.latitude} ${point.longitude}`;

function featureAt(point) {
  const found = catalog.find((f) => f.location.latitude === point.latitude && f.location.longitude === point.longitude);
  return found ? { name: found.name || '', location: found.location } : { name: '', location: point };
}

function segmentMetres(from, to) {
  const radians = (degrees) => degrees * Math.PI / 180;
  const lat1 = radians(from.latitude / 1e7);
  const lat2 = radians(to.latitude / 1e7);
  const dLat = lat2 - lat1;
  const dLon = radians(to.longitude / 1e7) - radians(from.longitude / 1e7);
  const a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
  return 6371000 * (2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a)));
}

function recordRoute(call, callback) {
  const started = process.hrtime();
  let pointCount = 0;
  let featureCount = 0;
  let distance = 0;
  let previous = null;
  call.on('data', (point) => {
    pointCount++;
    if (featureAt(point).name !== '') {
      featureCount++;
    }
    if (previous) {
      distance += segmentMetres(previous, point);
    }
    previous = point;
  });
  call.on('end', () => {
    callback(null, { pointCount, featureCount, distance: distance | 0, elapsedTime: process.hrtime(started)[0] });
  });
}

function listFeatures(call) {
  const { lo, hi } = call.request;
  const left = Math.min(lo.longitude, hi.longitude);
  const right = Math.max(lo.longitude, hi.longitude);
  const top = Math.max(lo.latitude, hi.latitude);
  const bottom = Math.min(lo.latitude, hi.latitude);
  for (const feature of catalog) {
    const { latitude, longitude } = feature.location;
    if (longitude >= left && longitude <= right && latitude >= bottom && latitude <= top) {
      call.write(feature);
    }
  }
  call.end();
}

function routeChat(call) {
  call.on('data', (note) => {
    const key = keyOf(note.location);
    const here = notes.get(key) || [];
    for (const earlier of here) {
      call.write(earlier);
    }
    notes.set(key, [...here, note]);
  });
  call.on('end', () => call.end());
}

const server = new grpc.Server();
server.addService(routeguide.RouteGuide.service, {
  getFeature: (call, callback) => callback(null, featureAt(call.request)),
  listFeatures,
  recordRoute,
  routeChat,
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
