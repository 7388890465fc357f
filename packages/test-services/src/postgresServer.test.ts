import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import knexFactory from 'knex';
import { describeWithServices } from './describeWithServices';
import { startPostgresServer } from './postgresServer';

function refuses(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
    socket.connect(port, '127.0.0.1');
  });
}

describeWithServices('postgres')('startPostgresServer', () => {
  it('runs a private cluster with a trusted postgres superuser, and removes it on stop', async () => {
    const pg = await startPostgresServer();
    let dataDir = '';
    try {
      expect(pg.url).toBe(
        `postgresql://postgres@127.0.0.1:${pg.port}/postgres`,
      );
      const admin = knexFactory({ client: 'pg', connection: pg.connection });
      const { rows } = await admin.raw(
        "SELECT current_user AS user, current_setting('data_directory') AS dir",
      );
      expect(rows[0].user).toBe('postgres');
      dataDir = rows[0].dir;
      expect(existsSync(dataDir)).toBe(true);
      // What a Backstage backend does with `database.prefix`: one database per plugin.
      await admin.raw('CREATE DATABASE plugin_catalog');
      await admin.destroy();

      const catalog = knexFactory({
        client: 'pg',
        connection: { ...pg.connection, database: 'plugin_catalog' },
      });
      await expect(catalog.raw('SELECT 1 AS one')).resolves.toMatchObject({
        rows: [{ one: 1 }],
      });
      await catalog.destroy();
    } finally {
      await pg.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
    await expect(refuses(pg.port)).resolves.toBe(true);
  }, 120_000);
});
