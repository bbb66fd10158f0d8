// Building and publishing the events the search index is fed with, exactly as the outbox
// relay writes them to a Redis Stream (libs/outbox/relay.cc): fields event_id, event_type,
// aggregate_type, aggregate_id, aggregate_version, payload.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/uuid.h"
#include "libs/outbox/event_codec.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace meltingdoc::search::testing {

using events::v1::Event;

struct CompetenceSpec {
  std::string code;
  std::string label;
  std::vector<std::string> synonyms;
  int endorsements = 0;
};

struct PlaceSpec {
  std::string commune;
  std::string postcode;
  double latitude = 0;
  double longitude = 0;
  bool has_coordinates = true;
};

struct DoctorSpec {
  std::string id = NewUuid();
  std::string given = "Claire";
  std::string family = "Martin";
  std::string specialty_code = "SM20";
  std::string specialty_label = "Gynécologie-obstétrique";
  std::string headline;
  std::string bio;
  std::vector<CompetenceSpec> competences;
  std::vector<PlaceSpec> places;
  std::vector<std::string> languages = {"fr"};
  bool accepting_referrals = true;
};

inline Event Envelope(const std::string& aggregate_type, const std::string& aggregate_id,
                      int64_t version) {
  Event e;
  e.set_event_id(NewUuid());
  e.set_aggregate_type(aggregate_type);
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(version);
  *e.mutable_occur_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(absl::Now()));
  return e;
}

inline Event ProfileChanged(const DoctorSpec& d, int64_t version) {
  Event e = Envelope("profile", d.id, version);
  events::v1::ProfileChanged* p = e.mutable_profile_changed();
  p->set_profile_id(d.id);
  p->set_display_name(absl::StrCat("Dr ", d.given, " ", d.family));
  p->set_given_name(d.given);
  p->set_family_name(d.family);
  p->set_specialty_code(d.specialty_code);
  p->set_specialty_label(d.specialty_label);
  p->set_headline(d.headline);
  p->set_bio(d.bio);
  p->set_version(version);
  for (const CompetenceSpec& c : d.competences) {
    auto* pc = p->add_competences();
    pc->set_code(c.code);
    pc->set_label(c.label);
    for (const std::string& s : c.synonyms) pc->add_synonyms(s);
    pc->set_endorsement_count(c.endorsements);
  }
  for (const PlaceSpec& pl : d.places) {
    auto* pp = p->add_places();
    pp->set_name(absl::StrCat("Cabinet ", pl.commune));
    pp->set_commune(pl.commune);
    pp->set_postcode(pl.postcode);
    pp->set_departement(pl.postcode.substr(0, 2));
    pp->set_latitude(pl.latitude);
    pp->set_longitude(pl.longitude);
    pp->set_has_coordinates(pl.has_coordinates);
  }
  for (const std::string& l : d.languages) p->add_languages(l);
  p->set_accepting_referrals(d.accepting_referrals);
  return e;
}

inline Event ProfileDeleted(const std::string& id, int64_t version) {
  Event e = Envelope("profile", id, version);
  e.mutable_profile_deleted()->set_profile_id(id);
  return e;
}

struct CaseSpec {
  std::string id = NewUuid();
  std::string space_id;
  std::string title;
  std::string context;
  std::string question;
  std::vector<std::string> tags;
  bool resolved = false;
  bool hidden = false;
  bool private_group = false;
  int64_t create_seconds = 1'767'225'600;  // 2026-01-01
};

inline Event CaseChanged(const CaseSpec& c, int64_t version) {
  Event e = Envelope("case", c.id, version);
  events::v1::CaseChanged* p = e.mutable_case_changed();
  p->set_case_id(c.id);
  p->set_space_id(c.space_id);
  p->set_title(c.title);
  p->set_context(c.context);
  p->set_question(c.question);
  for (const std::string& t : c.tags) p->add_competence_tags(t);
  p->set_resolved(c.resolved);
  p->set_hidden(c.hidden);
  p->set_private_group(c.private_group);
  p->mutable_create_time()->set_seconds(c.create_seconds);
  p->mutable_last_activity_time()->set_seconds(c.create_seconds);
  p->set_created(version == 1);
  return e;
}

inline Event CaseDeleted(const std::string& case_id, int64_t version) {
  Event e = Envelope("case", case_id, version);
  e.mutable_case_deleted()->set_case_id(case_id);
  return e;
}

inline Event ReplyChanged(const std::string& reply_id, const std::string& case_id,
                          const std::string& text, bool hidden, int64_t version) {
  Event e = Envelope("reply", reply_id, version);
  events::v1::ReplyChanged* p = e.mutable_reply_changed();
  p->set_reply_id(reply_id);
  p->set_case_id(case_id);
  p->set_text(text);
  p->set_hidden(hidden);
  p->mutable_create_time()->set_seconds(1'767'300'000);
  return e;
}

inline Event GroupMembershipChanged(const std::string& space_id, const std::string& account_id,
                                    bool member, int64_t version) {
  Event e = Envelope("space", space_id, version);
  events::v1::GroupMembershipChanged* p = e.mutable_group_membership_changed();
  p->set_space_id(space_id);
  p->set_account_id(account_id);
  p->set_member(member);
  p->set_group_title("Groupe PMA Rhône-Alpes");
  return e;
}

// XADD in the relay's field layout.
inline absl::Status Publish(redis::RedisClient& redis, const std::string& stream, const Event& e) {
  return redis
      .Command({"XADD", stream, "*", "event_id", e.event_id(), "event_type",
                outbox::EventTypeName(e), "aggregate_type", e.aggregate_type(), "aggregate_id",
                e.aggregate_id(), "aggregate_version", absl::StrCat(e.aggregate_version()),
                "payload", e.SerializeAsString()})
      .status();
}

}  // namespace meltingdoc::search::testing
