-- identity verifies doctors by RPPS or by the older ADELI identifier; an AccountVerified
-- without an RPPS number must still create the profile (rpps NULL, shown as empty).
ALTER TABLE profiles ALTER COLUMN rpps DROP NOT NULL;
