import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({}, '/srv/careloop');
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      CARELOOP_DATA_DIR: '.data',
      MONGODB_URI: undefined,
      MONGODB_DB: 'careloop',
      HOSPITAL_FHIR_BASE_URL: undefined,
      HOSPITAL_SIMULATOR_PORT: 0,
      HOSPITAL_TIMEOUT_MS: 3000,
      HOSPITAL_RETRIES: 2,
      DIRECTORY_SYNC_INTERVAL_MS: 600_000,
      DIRECTORY_STALE_AFTER_MS: 3_600_000,
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      H5_DIR: 'miniprogram/dist-h5',
      BODY_LIMIT: '100kb',
      dataDir: path.resolve('/srv/careloop', '.data'),
      h5Dir: path.resolve('/srv/careloop', 'miniprogram/dist-h5'),
      bodyLimitBytes: 102_400,
    });
  });

  it('parses numbers, URLs and sizes from strings', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        MONGODB_URI: 'mongodb://db1:27017,db2:27017/?replicaSet=rs0',
        HOSPITAL_FHIR_BASE_URL: 'https://his.example/fhir',
        HOSPITAL_RETRIES: '0',
        BODY_LIMIT: '1mb',
      },
      '/',
    );
    expect(config.PORT).toBe(8080);
    expect(config.MONGODB_URI).toBe('mongodb://db1:27017,db2:27017/?replicaSet=rs0');
    expect(config.HOSPITAL_FHIR_BASE_URL).toBe('https://his.example/fhir');
    expect(config.HOSPITAL_RETRIES).toBe(0);
    expect(config.bodyLimitBytes).toBe(1_048_576);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' }).PORT).toBe(3000);
    expect(loadConfig({ MONGODB_URI: '' }).MONGODB_URI).toBeUndefined();
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['HOSPITAL_TIMEOUT_MS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT', 'lots'],
    ['MONGODB_URI', 'postgres://x'],
    ['HOSPITAL_FHIR_BASE_URL', 'ftp://his'],
    ['NODE_ENV', 'staging'],
  ])('stops on %s=%s with a message naming the variable', (name, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variables).toEqual([name]);
    expect((thrown as ConfigError).message).toContain(`${name}:`);
  });

  it('names every bad variable at once and never echoes a connection string', () => {
    expect(() => loadConfig({ PORT: 'x', MONGODB_URI: 'mysql://user:secret@h' })).toThrowError(
      expect.objectContaining({ variables: ['PORT', 'MONGODB_URI'], message: expect.not.stringContaining('secret') }),
    );
  });
});
