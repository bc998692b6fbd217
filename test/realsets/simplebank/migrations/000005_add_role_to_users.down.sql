ALTER TABLE "users" DROP COLUMN "role";
