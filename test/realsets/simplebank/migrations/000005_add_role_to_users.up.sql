ALTER TABLE "users" ADD COLUMN "role" varchar NOT NULL DEFAULT 'depositor';
