// The schema this library needs, as migration components for pg::ApplyMigrations:
//   writers:   {"outbox", &OutboxMigrations()}   table outbox
//   consumers: {"inbox",  &InboxMigrations()}    table processed_events
// Both are created unqualified, in the schema the migration runner puts in search_path.
// The definitions are generated from libs/outbox/{migrations,inbox_migrations}/*.sql by
// cmake/embed_migrations.cmake, which emits them at global scope.
#pragma once

#include <vector>

#include "libs/pg/migrations.h"

const std::vector<meltingdoc::pg::Migration>& OutboxMigrations();
const std::vector<meltingdoc::pg::Migration>& InboxMigrations();
