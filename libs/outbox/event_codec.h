// Checks and names for meltingdoc.events.v1.Event, shared by the writer and the consumer.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace meltingdoc::outbox {

// Name of the payload oneof case that is set ("account_verified", ...), or "" when none is.
// Read through the descriptor so that a case added to event.proto needs no change here.
std::string EventTypeName(const events::v1::Event& event);

// INVALID_ARGUMENT unless event_id is a UUID and a payload case is set: without the first a
// consumer cannot deduplicate, without the second it has nothing to apply.
absl::Status ValidateEvent(const events::v1::Event& event);

}  // namespace meltingdoc::outbox
