// The operator's changes from the command line, with no server and no token (the first admin
// has no admin to ask; an operator with database access is trusted like one):
//
//   meltingdoc-identity set-role <account uuid | email> <doctor|moderator|admin> --reason="..."
//   meltingdoc-identity reopen-verification <verification uuid> --reason="..."
//   meltingdoc-identity suspend-account <account uuid | email> --reason="..."
//   meltingdoc-identity unsuspend-account <account uuid | email> --reason="..."
//
// Same store code as the SetAccountRole, ReopenVerification, SuspendAccount and
// UnsuspendAccount RPCs, same rules (except that the CLI may change any account). Connects with --pg_url and applies migrations. The
// record names the operator as "cli:<--operator_name or the OS user>@<host>". Prints the
// result as JSON on stdout; exit 0 on success, 1 on failure (the reason on stderr), 2 on bad
// usage.
#pragma once

#include <vector>

#include "libs/pg/migrations.h"

namespace meltingdoc::identity {

// argv[1] is "set-role", "reopen-verification", "suspend-account" or "unsuspend-account".
int RunOperatorCommand(const std::vector<pg::MigrationComponent>& migrations, int argc, char** argv);

}  // namespace meltingdoc::identity
