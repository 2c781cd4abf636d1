import type { LaunchedWorld } from '../launch/world.js';

// The world `stallbench rank` formed on rank 0, for the command it runs there; null in every other run.
let current: LaunchedWorld | null = null;

/** Makes `world` the one this process's tcp sessions start their ranks on (null: none). */
export function setLaunchedWorld(world: LaunchedWorld | null): void {
  current = world;
}

/** The world this process is rank 0 of, or null. */
export function launchedWorld(): LaunchedWorld | null {
  return current;
}
