#include "services/profiles/profiles_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"
#include "services/profiles/geocoding.h"

namespace meltingdoc::profiles {

#define MELTINGDOC_PROFILES_HANDLER(Name)                                                                   \
  grpc::ServerUnaryReactor* ProfilesServiceImpl::Name(grpc::CallbackServerContext* context,                 \
                                                      const v1::Name##Request* request,                     \
                                                      v1::Name##Response* response) {                       \
    return server::RunUnary(context, *executor_,                                                            \
                            [this, context, request, response] { return Do##Name(*context, *request, *response); }); \
  }
MELTINGDOC_PROFILES_HANDLER(GetProfile)
MELTINGDOC_PROFILES_HANDLER(GetMyProfile)
MELTINGDOC_PROFILES_HANDLER(BatchGetProfiles)
MELTINGDOC_PROFILES_HANDLER(UpdateProfile)
MELTINGDOC_PROFILES_HANDLER(ListSpecialties)
MELTINGDOC_PROFILES_HANDLER(ListCompetences)
MELTINGDOC_PROFILES_HANDLER(ExportProfiles)
MELTINGDOC_PROFILES_HANDLER(SearchCommunes)
MELTINGDOC_PROFILES_HANDLER(RequestConnection)
MELTINGDOC_PROFILES_HANDLER(RespondToConnection)
MELTINGDOC_PROFILES_HANDLER(WithdrawConnectionRequest)
MELTINGDOC_PROFILES_HANDLER(RemoveConnection)
MELTINGDOC_PROFILES_HANDLER(ListConnections)
MELTINGDOC_PROFILES_HANDLER(ListConnectionRequests)
MELTINGDOC_PROFILES_HANDLER(ListSuggestedColleagues)
MELTINGDOC_PROFILES_HANDLER(EndorseCompetence)
MELTINGDOC_PROFILES_HANDLER(RetractEndorsement)
#undef MELTINGDOC_PROFILES_HANDLER

namespace {

constexpr size_t kMaxBatch = 100;

// Contact details are for the doctor and their connections only.
void HideContactUnlessAllowed(const ProfileRead& read, const std::string& viewer, v1::Profile* profile) {
  if (viewer != profile->profile_id() && !read.viewer_is_connection) profile->clear_contact();
}

}  // namespace

absl::StatusOr<int> PageSize(int32_t requested, int default_size, int max_size) {
  if (requested == 0) return default_size;
  if (requested < 0 || requested > max_size) {
    return server::InvalidField("page_size", absl::StrCat("must be between 1 and ", max_size));
  }
  return requested;
}

absl::StatusOr<auth::Principal> ProfilesServiceImpl::Caller(const grpc::ServerContextBase& context) {
  ASSIGN_OR_RETURN(auth::Principal caller, runtime::Authenticate(context, *verifier_));
  caller.account_id = absl::AsciiStrToLower(caller.account_id);
  return caller;
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> ProfilesServiceImpl::GetTaxonomy() {
  {
    absl::MutexLock lock(&taxonomy_mu_);
    if (taxonomy_ != nullptr) return taxonomy_;
  }
  ASSIGN_OR_RETURN(Taxonomy loaded, store_->LoadTaxonomy());
  auto shared = std::make_shared<const Taxonomy>(std::move(loaded));
  absl::MutexLock lock(&taxonomy_mu_);
  if (taxonomy_ == nullptr) taxonomy_ = std::move(shared);
  return taxonomy_;
}

absl::Status ProfilesServiceImpl::DoGetProfile(const grpc::ServerContextBase& context,
                                               const v1::GetProfileRequest& request,
                                               v1::GetProfileResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  if (!IsValidUuid(request.profile_id())) {
    return server::InvalidField("profile_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  // Either case is a valid UUID; ids are compared in PostgreSQL's (lower-case) form.
  const std::string id = absl::AsciiStrToLower(request.profile_id());
  // The network is for verified doctors; anyone else sees only their own profile.
  if (caller.account_id != id) RETURN_IF_ERROR(auth::RequireVerified(caller));
  ASSIGN_OR_RETURN(ProfileRead read, store_->GetProfile(id, caller.account_id));
  HideContactUnlessAllowed(read, caller.account_id, &read.profile);
  *response.mutable_profile() = std::move(read.profile);
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoGetMyProfile(const grpc::ServerContextBase& context,
                                                 const v1::GetMyProfileRequest&, v1::GetMyProfileResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  absl::StatusOr<ProfileRead> read = store_->GetProfile(caller.account_id, caller.account_id);
  if (absl::IsNotFound(read.status())) {
    return absl::NotFoundError("no profile yet: it is created when your account is verified");
  }
  RETURN_IF_ERROR(read.status());
  *response.mutable_profile() = std::move(read->profile);
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoBatchGetProfiles(const grpc::ServerContextBase& context,
                                                     const v1::BatchGetProfilesRequest& request,
                                                     v1::BatchGetProfilesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  RETURN_IF_ERROR(auth::RequireVerified(caller));
  if (request.profile_ids_size() == 0) return server::InvalidField("profile_ids", "at least one id");
  if (static_cast<size_t>(request.profile_ids_size()) > kMaxBatch) {
    return server::InvalidField("profile_ids", absl::StrCat("at most ", kMaxBatch, " ids"));
  }
  std::vector<std::string> ids;
  std::vector<server::FieldViolation> violations;
  for (int i = 0; i < request.profile_ids_size(); ++i) {
    const std::string id = absl::AsciiStrToLower(request.profile_ids(i));
    if (!IsValidUuid(id)) {
      violations.push_back({absl::StrCat("profile_ids[", i, "]"), "must be a UUID"});
    } else if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  }
  if (!violations.empty()) return server::InvalidArgument(violations);
  ASSIGN_OR_RETURN(std::vector<v1::Profile> profiles, store_->BatchGetProfiles(ids));
  for (v1::Profile& p : profiles) {
    // A batch serves lists of names; contact details only ever through GetProfile.
    if (p.profile_id() != caller.account_id) p.clear_contact();
    *response.add_profiles() = std::move(p);
  }
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::Geocode(ValidatedUpdate* update, std::vector<server::FieldViolation>* violations) {
  for (int i : update->places_to_geocode) {
    v1::PracticePlace* place = update->values.mutable_practice_places(i);
    ASSIGN_OR_RETURN(const std::vector<CommuneCandidate> candidates, store_->FindCommunes(place->postcode()));
    absl::StatusOr<CommuneCandidate> chosen = ChooseCommune(place->postcode(), place->commune(), candidates);
    if (!chosen.ok()) {
      const std::string field = candidates.empty() ? "postcode" : "commune";
      violations->push_back({absl::StrCat("profile.practice_places[", i, "].", field),
                             std::string(chosen.status().message())});
      continue;
    }
    place->set_commune(chosen->name);
    place->set_insee_code(chosen->insee_code);
    if (place->coordinates_source().empty() && chosen->has_coordinates) {
      place->set_latitude(chosen->latitude);
      place->set_longitude(chosen->longitude);
      place->set_coordinates_source(chosen->coordinates_source);
    }
  }
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoUpdateProfile(const grpc::ServerContextBase& context,
                                                  const v1::UpdateProfileRequest& request,
                                                  v1::UpdateProfileResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  if (!IsValidUuid(request.profile().profile_id())) {
    return server::InvalidField("profile.profile_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  if (absl::AsciiStrToLower(request.profile().profile_id()) != caller.account_id) {
    return absl::PermissionDeniedError("a profile can be changed by its doctor only");
  }
  RETURN_IF_ERROR(auth::RequireVerified(caller));
  int64_t expected_version = 0;
  if (!request.etag().empty()) {
    absl::string_view etag = request.etag();
    absl::ConsumePrefix(&etag, "W/");
    if (!absl::ConsumePrefix(&etag, "\"") || !absl::ConsumeSuffix(&etag, "\"") ||
        !absl::SimpleAtoi(etag, &expected_version) || expected_version <= 0) {
      return server::InvalidField("etag", "must be an etag returned with the profile, e.g. \"3\"");
    }
  }
  ASSIGN_OR_RETURN(const std::shared_ptr<const Taxonomy> taxonomy, GetTaxonomy());
  ValidatedUpdate update;
  const int year = absl::ToCivilYear(clock_->Now(), absl::UTCTimeZone()).year();
  std::vector<server::FieldViolation> violations = ValidateUpdate(request, *taxonomy, year, &update);
  if (violations.empty()) RETURN_IF_ERROR(Geocode(&update, &violations));
  // Nothing is written unless every field is valid.
  if (!violations.empty()) return server::InvalidArgument(violations);
  ASSIGN_OR_RETURN(*response.mutable_profile(),
                   store_->UpdateProfile(caller.account_id, expected_version, update));
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoListSpecialties(const grpc::ServerContextBase& context,
                                                    const v1::ListSpecialtiesRequest&,
                                                    v1::ListSpecialtiesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  (void)caller;  // reference data: any signed-in account (pending ones fill in their draft)
  ASSIGN_OR_RETURN(const std::shared_ptr<const Taxonomy> taxonomy, GetTaxonomy());
  for (const SpecialtyEntry* s : taxonomy->CanonicalSpecialties()) {
    v1::Specialty* out = response.add_specialties();
    out->set_code(s->code);
    out->set_label(s->label);
    for (const std::string& alt : taxonomy->AlternateCodes(s->code)) out->add_alternate_codes(alt);
    out->set_competence_count(static_cast<int32_t>(taxonomy->Competences(s->code).size()));
  }
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoListCompetences(const grpc::ServerContextBase& context,
                                                    const v1::ListCompetencesRequest& request,
                                                    v1::ListCompetencesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  (void)caller;
  ASSIGN_OR_RETURN(const std::shared_ptr<const Taxonomy> taxonomy, GetTaxonomy());
  std::string specialty;
  if (!request.specialty_code().empty()) {
    if (taxonomy->FindSpecialty(request.specialty_code()) == nullptr) {
      return server::InvalidField("specialty_code", "unknown specialty code (SM01..SM95)");
    }
    specialty = taxonomy->CanonicalSpecialty(request.specialty_code());
  }
  for (const CompetenceEntry* c : taxonomy->Competences(specialty)) {
    v1::TaxonomyCompetence* out = response.add_competences();
    out->set_code(c->code);
    out->set_specialty_code(c->specialty_code);
    out->set_label(c->label);
    for (const std::string& s : c->synonyms) out->add_synonyms(s);
  }
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoExportProfiles(const grpc::ServerContextBase& context,
                                                   const v1::ExportProfilesRequest& request,
                                                   v1::ExportProfilesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, Caller(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
  ASSIGN_OR_RETURN(const int limit, PageSize(request.page_size(), 100, 500));
  std::string after;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(const std::vector<std::string> keys, DecodePageToken("export", request.page_token(), 1));
    after = keys[0];
    if (!IsValidUuid(after)) return server::InvalidField("page_token", "invalid page token");
  }
  ASSIGN_OR_RETURN(ExportPage page, store_->ExportProfiles(after, limit));
  for (auto& p : page.profiles) *response.add_profiles() = std::move(p);
  if (!page.last_profile_id.empty()) response.set_next_page_token(EncodePageToken("export", {page.last_profile_id}));
  return absl::OkStatus();
}

// Reference data: any signed-in account (see the proto). Validated before the store is asked.
absl::Status ProfilesServiceImpl::DoSearchCommunes(const grpc::ServerContextBase& context,
                                                   const v1::SearchCommunesRequest& request,
                                                   v1::SearchCommunesResponse& response) {
  RETURN_IF_ERROR(Caller(context).status());
  ASSIGN_OR_RETURN(const CommuneQuery query, ParseCommuneQuery(request.query(), request.limit()));
  if (communes_ == nullptr) return absl::UnimplementedError("commune search is not configured");
  ASSIGN_OR_RETURN(std::vector<v1::Commune> found, communes_->SearchCommunes(query));
  for (v1::Commune& c : found) *response.add_communes() = std::move(c);
  return absl::OkStatus();
}

}  // namespace meltingdoc::profiles
