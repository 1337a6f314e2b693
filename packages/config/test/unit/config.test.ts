import { baseConfigSchema, ConfigError, loadConfig } from '@oms/config';

describe('configuration', () => {
  const valid = { PORT: '8081', MONGO_URL: 'mongodb://127.0.0.1:27017/oms_test' };

  it('when the environment is valid, then defaults are filled in and values are typed', () => {
    const config = loadConfig(baseConfigSchema, valid);
    expect(config).toMatchObject({ PORT: 8081, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', AMQP_RETRY_DELAYS_MS: [1000, 5000, 30000], LOG_LEVEL: 'info' });
  });

  it('when a variable is wrong, then loading fails with a message naming each bad variable and its value', () => {
    const attempt = () => loadConfig(baseConfigSchema, { ...valid, PORT: 'eighty', MONGO_URL: 'postgres://x', AMQP_RETRY_DELAYS_MS: '1s,2s' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/PORT: .*"eighty"/);
      expect(message).toMatch(/MONGO_URL: must be a URL starting with mongodb:\/\//);
      expect(message).toMatch(/AMQP_RETRY_DELAYS_MS: must be a comma-separated list/);
    }
  });

  it('when a required variable is missing, then it is named', () => {
    expect(() => loadConfig(baseConfigSchema, { PORT: '1' })).toThrow(/MONGO_URL/);
  });
});
