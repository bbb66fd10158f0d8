// gRPC handlers of meltingdoc.profiles.v1.ProfilesService: validate, authorize, call the
// store, map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
// Profile and taxonomy handlers are in profiles_service.cc, network handlers in
// network_service.cc.
#pragma once

#include <memory>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"
#include "libs/server/executor.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "services/profiles/commune_search.h"
#include "services/profiles/profiles_store.h"

namespace meltingdoc::profiles {

class ProfilesServiceImpl : public v1::ProfilesService::CallbackService {
 public:
  // `communes` may be null (SearchCommunes is then UNIMPLEMENTED), for handler tests.
  ProfilesServiceImpl(ProfilesStore* store, const auth::TokenVerifier* verifier, server::BoundedExecutor* executor,
                      CommunesStore* communes = nullptr, const Clock* clock = &Clock::Real())
      : store_(store), verifier_(verifier), executor_(executor), communes_(communes), clock_(clock) {}

#define MELTINGDOC_PROFILES_RPC(Name)                                                            \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context, const v1::Name##Request* request, \
                                 v1::Name##Response* response) override;                         \
  absl::Status Do##Name(const grpc::ServerContextBase& context, const v1::Name##Request& request,       \
                        v1::Name##Response& response);
  MELTINGDOC_PROFILES_RPC(GetProfile)
  MELTINGDOC_PROFILES_RPC(GetMyProfile)
  MELTINGDOC_PROFILES_RPC(BatchGetProfiles)
  MELTINGDOC_PROFILES_RPC(UpdateProfile)
  MELTINGDOC_PROFILES_RPC(ListSpecialties)
  MELTINGDOC_PROFILES_RPC(ListCompetences)
  MELTINGDOC_PROFILES_RPC(ExportProfiles)
  MELTINGDOC_PROFILES_RPC(SearchCommunes)
  MELTINGDOC_PROFILES_RPC(RequestConnection)
  MELTINGDOC_PROFILES_RPC(RespondToConnection)
  MELTINGDOC_PROFILES_RPC(WithdrawConnectionRequest)
  MELTINGDOC_PROFILES_RPC(RemoveConnection)
  MELTINGDOC_PROFILES_RPC(ListConnections)
  MELTINGDOC_PROFILES_RPC(ListConnectionRequests)
  MELTINGDOC_PROFILES_RPC(ListSuggestedColleagues)
  MELTINGDOC_PROFILES_RPC(EndorseCompetence)
  MELTINGDOC_PROFILES_RPC(RetractEndorsement)
#undef MELTINGDOC_PROFILES_RPC

 private:
  // The taxonomy, read from the database on first use (it changes only by migration, i.e.
  // with a new binary) and kept; a failed read is retried by the next call.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> GetTaxonomy();
  // The authenticated caller, account id in lower case (as PostgreSQL prints uuids).
  absl::StatusOr<auth::Principal> Caller(const grpc::ServerContextBase& context);
  // A verified doctor, for the network RPCs.
  absl::StatusOr<auth::Principal> VerifiedCaller(const grpc::ServerContextBase& context);
  // Geocodes the places listed in update->places_to_geocode; adds violations.
  absl::Status Geocode(ValidatedUpdate* update, std::vector<server::FieldViolation>* violations);

  ProfilesStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
  CommunesStore* const communes_;
  const Clock* const clock_;
  absl::Mutex taxonomy_mu_;
  std::shared_ptr<const Taxonomy> taxonomy_ ABSL_GUARDED_BY(taxonomy_mu_);
};

// page_size: 0 means `default_size`; otherwise 1..max_size (INVALID_ARGUMENT naming page_size).
absl::StatusOr<int> PageSize(int32_t requested, int default_size, int max_size);

}  // namespace meltingdoc::profiles
