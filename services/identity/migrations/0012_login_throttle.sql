-- Login throttling counters while Redis is unavailable (Redis holds them otherwise). Keys are
-- hashes of the address or IP, never the address or IP itself.
CREATE TABLE login_failures (
  throttle_key     text PRIMARY KEY CHECK (length(throttle_key) <= 64),
  failures         bigint NOT NULL,
  last_failure_at  timestamptz NOT NULL,
  forget_at        timestamptz NOT NULL
);

CREATE TABLE login_checks (
  throttle_key  text NOT NULL CHECK (length(throttle_key) <= 64),
  hour_window   bigint NOT NULL,
  checks        bigint NOT NULL,
  PRIMARY KEY (throttle_key, hour_window)
);
