ALTER TABLE "email_codes" DROP CONSTRAINT "email_codes_purpose_check";--> statement-breakpoint
ALTER TABLE "email_codes" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_address_check" CHECK (("email_codes"."purpose" = 'email_change') = ("email_codes"."address" is not null));--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_purpose_check" CHECK ("email_codes"."purpose" in ('registration', 'registration_decoy', 'login', 'step_up', 'password_reset', 'enroll', 'email_change'));