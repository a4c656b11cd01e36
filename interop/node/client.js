// A RouteGuide client in Node.js. Prints one JSON value on stdout.
//   node client.js record  TARGET POINTS.json     stream the points, print the RouteSummary
//   node client.js cancel  TARGET POINTS.json     stream the points, print {"sent":N}, then cancel the
//                                                 call when stdin closes and print its status
//   node client.js feature TARGET LAT LON         print the Feature at a point
//   node client.js list    TARGET LAT LON LAT LON print the Features in a rectangle
//   node client.js chat    TARGET NOTES.json      send the notes, print every note received
//   node client.js streaming TARGET CALLS         CALLS RecordRoute calls that stream points until the
//                                                 server ends them; print each call's {code, details}
'use strict';
const fs = require('fs');
const { grpc, routeguide } = require('./routeguide');

const [mode, target, ...rest] = process.argv.slice(2);
const client = new routeguide.RouteGuide(target, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 60000);

function done(error, value) {
  if (error) {
    process.stdout.write(JSON.stringify({ error: { code: error.code, details: error.details } }) + '\n');
  } else {
    process.stdout.write(JSON.stringify(value) + '\n');
  }
  client.close();
}

function point(lat, lon) {
  return { latitude: Number(lat), longitude: Number(lon) };
}

switch (mode) {
  case 'record': {
    const points = JSON.parse(fs.readFileSync(rest[0], 'utf8'));
    const call = client.recordRoute({ deadline: deadline() }, done);
    for (const p of points) {
      call.write(p);
    }
    call.end();
    break;
  }
  case 'cancel': {
    const points = JSON.parse(fs.readFileSync(rest[0], 'utf8'));
    const call = client.recordRoute({ deadline: deadline() }, (error) => done(error || new Error('the cancelled call returned a summary')));
    for (const p of points) {
      call.write(p);
    }
    process.stdout.write(JSON.stringify({ sent: points.length }) + '\n');
    process.stdin.on('end', () => call.cancel());
    process.stdin.resume();
    break;
  }
  case 'feature':
    client.getFeature(point(rest[0], rest[1]), { deadline: deadline() }, done);
    break;
  case 'list': {
    const features = [];
    const call = client.listFeatures({ lo: point(rest[0], rest[1]), hi: point(rest[2], rest[3]) }, { deadline: deadline() });
    call.on('data', (feature) => features.push(feature));
    call.on('error', (error) => done(error));
    call.on('end', () => done(null, features));
    break;
  }
  case 'chat': {
    const notes = JSON.parse(fs.readFileSync(rest[0], 'utf8'));
    const received = [];
    const call = client.routeChat({ deadline: deadline() });
    call.on('data', (note) => received.push(note));
    call.on('error', (error) => done(error));
    call.on('end', () => done(null, received));
    for (const note of notes) {
      call.write(note);
    }
    call.end();
    break;
  }
  case 'streaming': {
    // Bounded: at most a million points per call, and the 60 s deadline.
    const calls = Number(rest[0]);
    const endings = [];
    for (let i = 0; i < calls; i++) {
      let ended = false;
      const call = client.recordRoute({ deadline: deadline() }, (error, summary) => {
        ended = true;
        endings[i] = error ? { code: error.code, details: error.details } : { code: 0, details: JSON.stringify(summary) };
        if (endings.filter((e) => e).length === calls) {
          done(null, endings);
        }
      });
      let sent = 0;
      const pump = () => {
        while (!ended && sent < 1000000) {
          sent++;
          if (!call.write(point(sent % 1000, sent % 2000))) {
            call.once('drain', pump);
            return;
          }
          if (sent % 100 === 0) {
            setImmediate(pump);
            return;
          }
        }
      };
      pump();
    }
    break;
  }
  default:
    process.stderr.write(`unknown mode ${mode}\n`);
    process.exit(2);
}
