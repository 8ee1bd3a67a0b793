import { Readable } from 'node:stream';
import { MalformedInputError, readTupleCsv } from '../../src/ipinsights/tupleCsv';

async function read(text: string) {
  const rows = [];
  for await (const row of readTupleCsv(Readable.from([text]), 'pairs.csv')) rows.push(row);
  return rows;
}

describe('readTupleCsv', () => {
  it('reads entity,ip lines as SageMaker takes them, skipping a header and blank lines', async () => {
    await expect(read('entity,ip\nalice, 10.0.0.1\r\n\n"bob",172.16.0.9\n')).resolves.toEqual([
      { line: 2, entity: 'alice', ip: '10.0.0.1' },
      { line: 4, entity: 'bob', ip: '172.16.0.9' },
    ]);
  });

  it('keeps commas inside a quoted entity', async () => {
    await expect(read('"rds:db,1/admin",10.0.0.1\n')).resolves.toEqual([
      { line: 1, entity: 'rds:db,1/admin', ip: '10.0.0.1' },
    ]);
  });

  it.each([
    ['a line without a comma', 'alice,10.0.0.1\nalice 10.0.0.2\n', 2, 'alice 10.0.0.2'],
    ['three fields', 'alice,10.0.0.1,extra\n', 1, 'alice,10.0.0.1,extra'],
    ['an empty entity', 'alice,10.0.0.1\n\n,10.0.0.3\n', 3, ',10.0.0.3'],
    ['an unterminated quote', '"alice,10.0.0.1\n', 1, '"alice,10.0.0.1'],
  ])('names the line of %s', async (_name, text, line, shown) => {
    const failure = read(text);
    await expect(failure).rejects.toThrow(MalformedInputError);
    await expect(read(text)).rejects.toThrow(
      `pairs.csv:${line}: expected "entity,ip", got "${shown}"`,
    );
  });
});
