// Reads an X12 interchange with node-x12 (strict) and prints what it found as JSON: the envelopes' header and
// trailer elements and every segment of every transaction set, so the billing tests can check our 837P against a
// parser nobody here wrote. Usage: node read.mjs FILE
import { readFileSync } from 'node:fs'
import x12 from 'node-x12'

const { X12Parser } = x12
const values = (segment) => segment.elements.map((e) => e.value)
const interchange = new X12Parser(true).parse(readFileSync(process.argv[2], 'utf8'))
const result = {
  header: values(interchange.header),
  trailer: values(interchange.trailer),
  groups: interchange.functionalGroups.map((g) => ({
    header: values(g.header),
    trailer: values(g.trailer),
    transactions: g.transactions.map((t) => ({
      header: values(t.header),
      trailer: values(t.trailer),
      segments: t.segments.map((s) => [s.tag, ...values(s)])
    }))
  }))
}
process.stdout.write(JSON.stringify(result))
