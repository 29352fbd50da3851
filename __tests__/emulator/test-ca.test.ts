/** The throwaway CA behind the local STS: every certificate it makes must parse, whatever its random serial. */
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createTestCertificates } from '../../src/emulator/test-ca.js';

describe('createTestCertificates', () => {
  it('makes certificates that parse, with positive minimal serials, many times over', () => {
    // One random serial in 128 started with a zero byte (illegal DER padding) before: 200 CAs,
    // each with two certificates, meet that case with a probability above 95 %.
    for (let i = 0; i < 200; i++) {
      const { caCert, cert, key } = createTestCertificates();
      // OpenSSL's strict DER parsing, as the TLS server and client do it.
      expect(() => createSecureContext({ cert, key, ca: caCert })).not.toThrow();
      for (const pem of [caCert, cert]) {
        const parsed = new X509Certificate(pem);
        expect(parsed.serialNumber).toMatch(/^(?!00)[0-7][0-9A-F]/);
      }
    }
  });
});
