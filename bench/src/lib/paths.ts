import { fileURLToPath } from 'node:url';

/** The repository root (this file sits in bench/{src,dist}/lib). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A compiled entry point of the bench itself (bench/dist/<name>). */
export const benchScript = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));
