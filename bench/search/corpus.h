// The generated population of search_bench: doctors (ProfileChanged events) and cases
// (CaseChanged / ReplyChanged events), deterministic from their index so that a run can resume
// or reuse what an earlier run generated.
//
// Cases are written from a vocabulary of ~6,000 words drawn with a Zipf law (s = 1), French
// stop words in between, the way clinical text is: the first ranks are in nearly every case
// ("patient"), rank 100 in ~6 % of them, rank 3,000 in ~0.2 %. Real medical words take the
// first ~270 ranks, pronounceable made-up words the rest.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "meltingdoc/events/v1/event.pb.h"

namespace meltingdoc::search::bench {

// Deterministic ids: doctor i, case i, reply i, private group g, account a.
std::string DoctorId(int64_t i);
std::string CaseId(int64_t i);
std::string ReplyId(int64_t i);
std::string GroupId(int64_t g);
std::string AccountId(int64_t a);

inline constexpr int kGroups = 100;
inline constexpr int kMembersPerGroup = 30;
// The account the bench searches as: a member of groups 0..kCallerGroups-1.
inline constexpr int kCallerGroups = 5;
std::string CallerAccountId();
// The public spaces cases go to (one per specialty).
std::string PublicSpaceId(int s);
inline constexpr int kPublicSpaces = 20;

// Doctor i, as profiles would publish it (version `version`).
events::v1::Event MakeDoctor(int64_t i, int64_t version);

struct GeneratedCase {
  events::v1::Event case_event;                // CaseChanged
  std::vector<events::v1::Event> reply_events;  // ReplyChanged, in order
  bool deleted = false;                         // a CaseDeleted follows
};
// Case i: 5 % in the private groups, 0.3 % hidden, 0.5 % deleted, half with a reply.
GeneratedCase MakeCase(int64_t i, int64_t version);

// The vocabulary, by rank (0 = most frequent), and the rank of a word (-1 when absent).
const std::vector<std::string>& CaseVocabulary();
int VocabularyRank(const std::string& word);

// GroupMembershipChanged events of every private group (versions 1..n per group).
std::vector<events::v1::Event> MembershipEvents();

}  // namespace meltingdoc::search::bench
