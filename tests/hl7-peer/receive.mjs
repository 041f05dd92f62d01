// Listens as an EHR would, with @medplum/hl7's MLLP server: answers each message it receives with the ACK @medplum/core
// builds (AA) and prints one JSON line per message as it read it (type, control id, PID-3, segment ids); exits after
// COUNT messages, or with code 1 after 60 s.
// usage: node receive.mjs PORT COUNT
import { Hl7Server } from '@medplum/hl7';

const [port, count] = process.argv.slice(2).map(Number);
if (!port || !count) {
  console.error('usage: node receive.mjs PORT COUNT');
  process.exit(2);
}

let received = 0;
const server = new Hl7Server((connection) => {
  connection.addEventListener('message', ({ message }) => {
    const msh = message.getSegment('MSH');
    console.log(JSON.stringify({
      type: msh.getField(9).toString(),
      control: msh.getField(10).toString(),
      patient: message.getSegment('PID')?.getField(3)?.getComponent(1) ?? null,
      segments: message.segments.map((s) => s.name).filter(Boolean),
    }));
    connection.send(message.buildAck());
    if (++received === count) setTimeout(() => process.exit(0), 200);
  });
});
await server.start(port);
console.log(JSON.stringify({ listening: port }));
setTimeout(() => process.exit(1), 60000);
