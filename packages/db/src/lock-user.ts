import { eq } from 'drizzle-orm';
import type { Transaction } from './client.js';
import { members } from './schema/members.js';

/**
 * Locks the user's row until `tx` ends, so changes to one account that must see each other's
 * result (issuing its email codes, turning its MFA on) take turns instead of racing.
 */
export async function lockUser(tx: Transaction, userId: string): Promise<void> {
  await tx.select({ id: members.id }).from(members).where(eq(members.id, userId)).for('update');
}
