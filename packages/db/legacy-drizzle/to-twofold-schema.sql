-- Twofold 0.1 kept its tables in `public`, with the product's accounts in `public.users` and the
-- history in `drizzle.__drizzle_migrations` (legacy-drizzle/0000-0004). This moves such a
-- database to the layout of drizzle/0000_twofold.sql: every table in the `twofold` schema,
-- `users` split into `members` (what Twofold knows of a user) and `accounts` (the built-in
-- accounts' passwords), and every user id as text. It runs once, in one transaction, only on a
-- database whose history is exactly Twofold's own (src/legacy.ts checks); the schema it leaves
-- is compared with a fresh install's in test/legacy.test.ts.
CREATE SCHEMA IF NOT EXISTS "twofold";
--> statement-breakpoint
CREATE TABLE "twofold"."members" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"email_verified_at" timestamp with time zone,
	"role" text DEFAULT 'user' NOT NULL,
	"mfa_failed_attempts" integer DEFAULT 0 NOT NULL,
	"mfa_locked_until" timestamp with time zone,
	"code_failed_attempts" integer DEFAULT 0 NOT NULL,
	"code_locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_id_check" CHECK (length("twofold"."members"."id") between 1 and 255),
	CONSTRAINT "members_role_check" CHECK ("twofold"."members"."role" in ('user', 'admin')),
	CONSTRAINT "members_mfa_failed_attempts_check" CHECK ("twofold"."members"."mfa_failed_attempts" >= 0),
	CONSTRAINT "members_code_failed_attempts_check" CHECK ("twofold"."members"."code_failed_attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "twofold"."accounts" (
	"user_id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"password_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO "twofold"."members" ("id", "email", "email_verified_at", "role", "mfa_failed_attempts", "mfa_locked_until", "code_failed_attempts", "code_locked_until", "created_at", "updated_at")
  SELECT "id"::text, "email", "email_verified_at", "role", "mfa_failed_attempts", "mfa_locked_until", "code_failed_attempts", "code_locked_until", "created_at", "updated_at" FROM "public"."users";
--> statement-breakpoint
INSERT INTO "twofold"."accounts" ("user_id", "email", "password_hash", "password_changed_at", "created_at")
  SELECT "id"::text, "email", "password_hash", "password_changed_at", "created_at" FROM "public"."users";
--> statement-breakpoint
ALTER TABLE "public"."sessions" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."login_challenges" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."mfa_factors" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."backup_codes" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."trusted_devices" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."security_events" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."mfa_policy" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."dev_outbox" SET SCHEMA "twofold";
--> statement-breakpoint
ALTER TABLE "public"."notice_cooldowns" SET SCHEMA "twofold";
--> statement-breakpoint
-- email_codes is made anew rather than moved: 0.1 added "address" last (0003), and a fresh
-- install has it after "code_hash". Nothing references email_codes, so its rows are copied over.
CREATE TABLE "twofold"."email_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"purpose" text NOT NULL,
	"challenge_id" uuid,
	"code_hash" text NOT NULL,
	"address" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "email_codes_purpose_check" CHECK ("twofold"."email_codes"."purpose" in ('registration', 'registration_decoy', 'login', 'step_up', 'password_reset', 'enroll', 'email_change')),
	CONSTRAINT "email_codes_address_check" CHECK (("twofold"."email_codes"."purpose" = 'email_change') = ("twofold"."email_codes"."address" is not null)),
	CONSTRAINT "email_codes_attempts_check" CHECK ("twofold"."email_codes"."attempts" >= 0)
);
--> statement-breakpoint
INSERT INTO "twofold"."email_codes" ("id", "user_id", "purpose", "challenge_id", "code_hash", "address", "attempts", "created_at", "expires_at", "used_at")
  SELECT "id", "user_id"::text, "purpose", "challenge_id", "code_hash", "address", "attempts", "created_at", "expires_at", "used_at" FROM "public"."email_codes";
--> statement-breakpoint
DROP TABLE "public"."email_codes";
--> statement-breakpoint
ALTER TABLE "twofold"."sessions" DROP CONSTRAINT "sessions_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."sessions" ALTER COLUMN "user_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."login_challenges" DROP CONSTRAINT "login_challenges_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."login_challenges" ALTER COLUMN "user_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."mfa_factors" DROP CONSTRAINT "mfa_factors_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."mfa_factors" ALTER COLUMN "user_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."backup_codes" DROP CONSTRAINT "backup_codes_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."backup_codes" ALTER COLUMN "user_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."trusted_devices" DROP CONSTRAINT "trusted_devices_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."trusted_devices" ALTER COLUMN "user_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."security_events" DROP CONSTRAINT "security_events_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."security_events" ALTER COLUMN "user_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."security_events" DROP CONSTRAINT "security_events_actor_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."security_events" ALTER COLUMN "actor_id" SET DATA TYPE text;
--> statement-breakpoint
ALTER TABLE "twofold"."mfa_policy" DROP CONSTRAINT "mfa_policy_updated_by_users_id_fk";
--> statement-breakpoint
ALTER TABLE "twofold"."mfa_policy" ALTER COLUMN "updated_by" SET DATA TYPE text;
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
ALTER TABLE "twofold"."accounts" ADD CONSTRAINT "accounts_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."sessions" ADD CONSTRAINT "sessions_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."login_challenges" ADD CONSTRAINT "login_challenges_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."mfa_factors" ADD CONSTRAINT "mfa_factors_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."backup_codes" ADD CONSTRAINT "backup_codes_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."email_codes" ADD CONSTRAINT "email_codes_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."email_codes" ADD CONSTRAINT "email_codes_challenge_id_login_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "twofold"."login_challenges"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."trusted_devices" ADD CONSTRAINT "trusted_devices_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."security_events" ADD CONSTRAINT "security_events_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."security_events" ADD CONSTRAINT "security_events_actor_id_members_id_fk" FOREIGN KEY ("actor_id") REFERENCES "twofold"."members"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "twofold"."mfa_policy" ADD CONSTRAINT "mfa_policy_updated_by_members_id_fk" FOREIGN KEY ("updated_by") REFERENCES "twofold"."members"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "members_email_lower_idx" ON "twofold"."members" USING btree (lower("email"));
--> statement-breakpoint
CREATE INDEX "members_role_idx" ON "twofold"."members" USING btree ("role");
--> statement-breakpoint
CREATE INDEX "members_unverified_created_idx" ON "twofold"."members" USING btree ("created_at") WHERE "twofold"."members"."email_verified_at" is null;
--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_email_lower_key" ON "twofold"."accounts" USING btree (lower("email"));
--> statement-breakpoint
CREATE UNIQUE INDEX "email_codes_live_key" ON "twofold"."email_codes" USING btree ("user_id","purpose") WHERE "twofold"."email_codes"."used_at" is null;
--> statement-breakpoint
CREATE INDEX "email_codes_challenge_idx" ON "twofold"."email_codes" USING btree ("challenge_id");
--> statement-breakpoint
CREATE INDEX "email_codes_expires_idx" ON "twofold"."email_codes" USING btree ("expires_at");
