// Sends an ADT^A01, an SIU^S12 and an ORU^R01 to an MLLP server with @medplum/hl7's client on one
// connection, and prints one JSON line per message: what was sent and the ACK as received (ER7 text).
// usage: node send.mjs HOST PORT ID   (ID makes control ids and patient/appointment/order ids unique)
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';

const [host, port, id] = process.argv.slice(2);
if (!host || !port || !id) {
  console.error('usage: node send.mjs HOST PORT ID');
  process.exit(2);
}

const msh = (type, control) =>
  `MSH|^~\\&|NODEPEER|PEERFAC|FHIRPRACTICE|PRACTICE|20240501120000||${type}|${control}|P|2.5.1`;
const pid = `PID|1||MRN${id}^^^PEER^MR||Peer^Node|||F`;
const messages = [
  ['ADT^A01', [msh('ADT^A01^ADT_A01', `ADT${id}`), 'EVN|A01|20240501120000', pid, 'PV1|1|O']],
  ['SIU^S12', [msh('SIU^S12^SIU_S12', `SIU${id}`), `SCH|APPT${id}||||||CHECKUP|||30|min`, pid]],
  ['ORU^R01', [msh('ORU^R01^ORU_R01', `ORU${id}`), pid, `OBR|1||ORDER${id}|718-7^Hemoglobin^LN`,
    'OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL|||||F', 'OBX|2|NM|4544-3^Hematocrit^LN||40|%|||||F']],
];

const client = new Hl7Client({ host, port: Number(port), connectTimeout: 10000 });
try {
  for (const [type, segments] of messages) {
    const ack = await client.sendAndWait(Hl7Message.parse(segments.join('\r')), { timeoutMs: 30000 });
    console.log(JSON.stringify({ sent: type, ack: ack.toString() }));
  }
} finally {
  await client.close();
}
