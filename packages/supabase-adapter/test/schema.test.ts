import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { dumpMigratedSchema, normaliseDump, regenerateCommand, schemaFile } from '../scripts/schema-dump.js'
import { pgDumpAvailable } from './support/pg-dump.js'

const available = (await serverAvailable()) && (await pgDumpAvailable('the schema.sql drift test'))

describe('normaliseDump', () => {
  it('drops the lines that name versions and the random restrict key, and keeps everything else', () => {
    const dump = [
      '--',
      '-- PostgreSQL database dump',
      '--',
      '',
      '\\restrict AbC123',
      '',
      '-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)',
      '-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)',
      '',
      '',
      '',
      'SET lock_timeout = 0;',
      'CREATE SCHEMA cronwarden;',
      '',
      '\\unrestrict AbC123',
      '',
    ].join('\n')
    expect(normaliseDump(dump)).toBe(
      [
        `-- Generated from migrations/ by \`${regenerateCommand}\`; do not edit.`,
        '--',
        '-- PostgreSQL database dump',
        '--',
        '',
        'SET lock_timeout = 0;',
        'CREATE SCHEMA cronwarden;',
        '',
      ].join('\n'),
    )
  })
})

describe.skipIf(!available)('schema.sql', () => {
  it('is what the migrations create: a fresh database dumps to the checked-in file', async () => {
    const [dumped, checkedIn] = await Promise.all([dumpMigratedSchema(), readFile(schemaFile, 'utf8')])
    expect(dumped, `schema.sql is out of date with migrations/: run \`${regenerateCommand}\``).toBe(checkedIn)
  })
})
