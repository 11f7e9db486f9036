import { customType } from 'drizzle-orm/pg-core';

/**
 * A user id: the app's own, as text compared byte for byte (`COLLATE "C"`). Ids are opaque, so
 * a locale's order means nothing for them, and byte comparison keeps every index lookup,
 * foreign-key check and index insert on them as cheap as on a uuid.
 */
export const userId = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});
