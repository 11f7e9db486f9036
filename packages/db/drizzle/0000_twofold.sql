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
CREATE TABLE "twofold"."sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"aal" smallint DEFAULT 1 NOT NULL,
	"amr" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"scope" text DEFAULT 'full' NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reauthenticated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "sessions_aal_check" CHECK ("twofold"."sessions"."aal" in (1, 2)),
	CONSTRAINT "sessions_scope_check" CHECK ("twofold"."sessions"."scope" in ('full', 'enroll_only'))
);
--> statement-breakpoint
CREATE TABLE "twofold"."login_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"purpose" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "login_challenges_purpose_check" CHECK ("twofold"."login_challenges"."purpose" in ('mfa', 'registration', 'registration_decoy'))
);
--> statement-breakpoint
CREATE TABLE "twofold"."mfa_factors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"secret_ciphertext" text,
	"secret_key_id" text,
	"last_used_step" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"session_id" uuid,
	CONSTRAINT "mfa_factors_type_check" CHECK ("twofold"."mfa_factors"."type" in ('totp', 'email')),
	CONSTRAINT "mfa_factors_status_check" CHECK ("twofold"."mfa_factors"."status" in ('pending', 'active')),
	CONSTRAINT "mfa_factors_totp_secret_check" CHECK ("twofold"."mfa_factors"."type" <> 'totp' or ("twofold"."mfa_factors"."secret_ciphertext" is not null and "twofold"."mfa_factors"."secret_key_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "twofold"."backup_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
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
CREATE TABLE "twofold"."trusted_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"label" text NOT NULL,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "twofold"."security_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text,
	"actor_id" text,
	"type" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "twofold"."mfa_policy" (
	"role" text PRIMARY KEY NOT NULL,
	"required" boolean DEFAULT false NOT NULL,
	"grace_days" integer DEFAULT 7 NOT NULL,
	"required_since" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "mfa_policy_role_check" CHECK ("twofold"."mfa_policy"."role" in ('user', 'admin')),
	CONSTRAINT "mfa_policy_grace_days_check" CHECK ("twofold"."mfa_policy"."grace_days" between 0 and 365)
);
--> statement-breakpoint
CREATE TABLE "twofold"."dev_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "twofold"."notice_cooldowns" (
	"recipient" text NOT NULL,
	"kind" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notice_cooldowns_recipient_kind_pk" PRIMARY KEY("recipient","kind")
);
--> statement-breakpoint
ALTER TABLE "twofold"."accounts" ADD CONSTRAINT "accounts_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."sessions" ADD CONSTRAINT "sessions_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."login_challenges" ADD CONSTRAINT "login_challenges_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."mfa_factors" ADD CONSTRAINT "mfa_factors_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."mfa_factors" ADD CONSTRAINT "mfa_factors_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "twofold"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."backup_codes" ADD CONSTRAINT "backup_codes_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."email_codes" ADD CONSTRAINT "email_codes_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."email_codes" ADD CONSTRAINT "email_codes_challenge_id_login_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "twofold"."login_challenges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."trusted_devices" ADD CONSTRAINT "trusted_devices_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."security_events" ADD CONSTRAINT "security_events_user_id_members_id_fk" FOREIGN KEY ("user_id") REFERENCES "twofold"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."security_events" ADD CONSTRAINT "security_events_actor_id_members_id_fk" FOREIGN KEY ("actor_id") REFERENCES "twofold"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twofold"."mfa_policy" ADD CONSTRAINT "mfa_policy_updated_by_members_id_fk" FOREIGN KEY ("updated_by") REFERENCES "twofold"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "members_email_lower_idx" ON "twofold"."members" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "members_role_idx" ON "twofold"."members" USING btree ("role");--> statement-breakpoint
CREATE INDEX "members_unverified_created_idx" ON "twofold"."members" USING btree ("created_at") WHERE "twofold"."members"."email_verified_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_email_lower_key" ON "twofold"."accounts" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "twofold"."sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "sessions_user_active_idx" ON "twofold"."sessions" USING btree ("user_id") WHERE "twofold"."sessions"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "twofold"."sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "login_challenges_token_hash_key" ON "twofold"."login_challenges" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "login_challenges_user_open_idx" ON "twofold"."login_challenges" USING btree ("user_id") WHERE "twofold"."login_challenges"."consumed_at" is null;--> statement-breakpoint
CREATE INDEX "login_challenges_expires_idx" ON "twofold"."login_challenges" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mfa_factors_active_type_key" ON "twofold"."mfa_factors" USING btree ("user_id","type") WHERE "twofold"."mfa_factors"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "mfa_factors_pending_type_key" ON "twofold"."mfa_factors" USING btree ("user_id","type") WHERE "twofold"."mfa_factors"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "mfa_factors_user_idx" ON "twofold"."mfa_factors" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mfa_factors_pending_created_idx" ON "twofold"."mfa_factors" USING btree ("created_at") WHERE "twofold"."mfa_factors"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "backup_codes_unused_key" ON "twofold"."backup_codes" USING btree ("user_id","code_hash") WHERE "twofold"."backup_codes"."used_at" is null;--> statement-breakpoint
CREATE INDEX "backup_codes_user_idx" ON "twofold"."backup_codes" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "email_codes_live_key" ON "twofold"."email_codes" USING btree ("user_id","purpose") WHERE "twofold"."email_codes"."used_at" is null;--> statement-breakpoint
CREATE INDEX "email_codes_challenge_idx" ON "twofold"."email_codes" USING btree ("challenge_id");--> statement-breakpoint
CREATE INDEX "email_codes_expires_idx" ON "twofold"."email_codes" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "trusted_devices_token_hash_key" ON "twofold"."trusted_devices" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "trusted_devices_user_active_idx" ON "twofold"."trusted_devices" USING btree ("user_id") WHERE "twofold"."trusted_devices"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "trusted_devices_expires_idx" ON "twofold"."trusted_devices" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "security_events_user_created_idx" ON "twofold"."security_events" USING btree ("user_id","created_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "security_events_created_idx" ON "twofold"."security_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "dev_outbox_created_idx" ON "twofold"."dev_outbox" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notice_cooldowns_sent_idx" ON "twofold"."notice_cooldowns" USING btree ("sent_at");