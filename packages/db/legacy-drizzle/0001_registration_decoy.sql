ALTER TABLE "login_challenges" DROP CONSTRAINT "login_challenges_purpose_check";--> statement-breakpoint
ALTER TABLE "email_codes" DROP CONSTRAINT "email_codes_purpose_check";--> statement-breakpoint
ALTER TABLE "login_challenges" ADD CONSTRAINT "login_challenges_purpose_check" CHECK ("login_challenges"."purpose" in ('mfa', 'registration', 'registration_decoy'));--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_purpose_check" CHECK ("email_codes"."purpose" in ('registration', 'registration_decoy', 'login', 'step_up', 'password_reset', 'enroll'));