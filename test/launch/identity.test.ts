import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { DEFAULT_MASTER, parseMaster, rankIdentityOf } from '../../src/launch/identity.js';

describe('a rank\'s identity from its launcher', () => {
  it.each([
    ['torchrun', { RANK: '2', WORLD_SIZE: '4', LOCAL_RANK: '0', MASTER_ADDR: '10.1.0.5', MASTER_PORT: '29600' }, { rank: 2, worldSize: 4, localRank: 0, master: { host: '10.1.0.5', port: 29600 } }],
    ['openmpi', { OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '3', OMPI_COMM_WORLD_LOCAL_RANK: '1' }, { rank: 1, worldSize: 3, localRank: 1, master: DEFAULT_MASTER }],
    ['pmi', { PMI_RANK: '0', PMI_SIZE: '2' }, { rank: 0, worldSize: 2, localRank: null, master: DEFAULT_MASTER }],
    ['slurm', { SLURM_PROCID: '7', SLURM_NTASKS: '8', SLURM_LOCALID: '3', STALLBENCH_MASTER: 'node01:4000' }, { rank: 7, worldSize: 8, localRank: 3, master: { host: 'node01', port: 4000 } }],
    ['lws', { LWS_WORKER_INDEX: '1', LWS_GROUP_SIZE: '2', LWS_LEADER_ADDRESS: 'leader.svc' }, { rank: 1, worldSize: 2, localRank: null, master: { host: 'leader.svc', port: DEFAULT_MASTER.port } }],
  ])('reads %s\'s variables', (launcher, env, want) => {
    expect(rankIdentityOf({}, env)).toEqual({ ...want, launcher });
  });

  it('takes flags over the environment, and torchrun\'s names before Open MPI\'s', () => {
    const env = { RANK: '1', WORLD_SIZE: '2', OMPI_COMM_WORLD_RANK: '0', OMPI_COMM_WORLD_SIZE: '5' };
    expect(rankIdentityOf({}, env)).toMatchObject({ launcher: 'torchrun', rank: 1, worldSize: 2 });
    expect(rankIdentityOf({ rank: '3', worldSize: '4', master: '[::1]:5000' }, env)).toMatchObject({ launcher: 'flags', rank: 3, worldSize: 4, master: { host: '::1', port: 5000 } });
  });

  it('refuses what it cannot use, naming the variable or flag', () => {
    const refused = (flags: object, env: NodeJS.ProcessEnv): string => {
      try {
        rankIdentityOf(flags, env);
      } catch (error) {
        expect(error).toBeInstanceOf(OptionsError);
        return (error as OptionsError).option;
      }
      throw new Error('accepted');
    };
    expect(refused({}, {})).toBe('rank');
    expect(refused({ rank: '1' }, {})).toBe('world-size');
    expect(refused({}, { OMPI_COMM_WORLD_RANK: '3', OMPI_COMM_WORLD_SIZE: '3' })).toBe('OMPI_COMM_WORLD_RANK');
    expect(refused({}, { RANK: '0', WORLD_SIZE: '1' })).toBe('WORLD_SIZE');
    expect(refused({}, { RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'h', MASTER_PORT: '70000' })).toBe('MASTER_PORT');
    expect(() => parseMaster('master', 'host:port')).toThrow(OptionsError);
    expect(parseMaster('master', 'tcp://10.0.0.1:80')).toEqual({ host: '10.0.0.1', port: 80 });
  });
});
