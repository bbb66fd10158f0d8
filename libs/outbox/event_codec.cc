#include "libs/outbox/event_codec.h"

#include "google/protobuf/descriptor.h"
#include "libs/common/uuid.h"

namespace meltingdoc::outbox {

std::string EventTypeName(const events::v1::Event& event) {
  const google::protobuf::OneofDescriptor* oneof =
      events::v1::Event::descriptor()->FindOneofByName("payload");
  if (oneof == nullptr) return "";
  const google::protobuf::FieldDescriptor* field =
      events::v1::Event::GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? "" : field->name();
}

absl::Status ValidateEvent(const events::v1::Event& event) {
  if (!IsValidUuid(event.event_id())) {
    return absl::InvalidArgumentError("event: event_id must be a UUID");
  }
  if (event.payload_case() == events::v1::Event::PAYLOAD_NOT_SET) {
    return absl::InvalidArgumentError("event: no payload set");
  }
  return absl::OkStatus();
}

}  // namespace meltingdoc::outbox
