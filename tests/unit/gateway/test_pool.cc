#include "tests/unit/gateway/test_pool.h"

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"

namespace meltingdoc::gateway::testing {

namespace {

const char kFile[] = R"pb(
  name: "test/v1/books.proto"
  package: "test.v1"
  dependency: "google/api/annotations.proto"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/field_mask.proto"
  syntax: "proto3"
  enum_type {
    name: "Genre"
    value { name: "GENRE_UNSPECIFIED" number: 0 }
    value { name: "GENRE_FICTION" number: 1 }
  }
  message_type {
    name: "Book"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
    field { name: "title" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "title" }
    field { name: "page_count" number: 3 type: TYPE_INT64 label: LABEL_OPTIONAL json_name: "pageCount" }
    field { name: "genre" number: 4 type: TYPE_ENUM type_name: ".test.v1.Genre" label: LABEL_OPTIONAL json_name: "genre" }
    field { name: "tags" number: 5 type: TYPE_STRING label: LABEL_REPEATED json_name: "tags" }
    field { name: "publish_time" number: 6 type: TYPE_MESSAGE type_name: ".google.protobuf.Timestamp" label: LABEL_OPTIONAL json_name: "publishTime" }
  }
  message_type {
    name: "Filter"
    field { name: "genre" number: 1 type: TYPE_ENUM type_name: ".test.v1.Genre" label: LABEL_OPTIONAL json_name: "genre" }
    field { name: "min_pages" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "minPages" }
    field { name: "in_print" number: 3 type: TYPE_BOOL label: LABEL_OPTIONAL json_name: "inPrint" }
  }
  message_type {
    name: "GetBookRequest"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
    field { name: "shelf_id" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "shelfId" }
  }
  message_type {
    name: "ListBooksRequest"
    field { name: "shelf_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "shelfId" }
    field { name: "page_size" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "pageSize" }
    field { name: "filter" number: 3 type: TYPE_MESSAGE type_name: ".test.v1.Filter" label: LABEL_OPTIONAL json_name: "filter" }
    field { name: "tags" number: 4 type: TYPE_STRING label: LABEL_REPEATED json_name: "tags" }
    field { name: "since" number: 5 type: TYPE_MESSAGE type_name: ".google.protobuf.Timestamp" label: LABEL_OPTIONAL json_name: "since" }
    field { name: "read_mask" number: 6 type: TYPE_MESSAGE type_name: ".google.protobuf.FieldMask" label: LABEL_OPTIONAL json_name: "readMask" }
  }
  message_type {
    name: "ListBooksResponse"
    field { name: "books" number: 1 type: TYPE_MESSAGE type_name: ".test.v1.Book" label: LABEL_REPEATED json_name: "books" }
    field { name: "next_page_token" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "nextPageToken" }
  }
  message_type {
    name: "CreateBookRequest"
    field { name: "shelf_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "shelfId" }
    field { name: "book" number: 2 type: TYPE_MESSAGE type_name: ".test.v1.Book" label: LABEL_OPTIONAL json_name: "book" }
    field { name: "request_id" number: 3 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "requestId" }
  }
  message_type {
    name: "ArchiveBookRequest"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
    field { name: "reason" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "reason" }
    field { name: "force" number: 3 type: TYPE_BOOL label: LABEL_OPTIONAL json_name: "force" }
  }
  service {
    name: "BookService"
    method {
      name: "GetBook" input_type: ".test.v1.GetBookRequest" output_type: ".test.v1.Book"
      options {
        [google.api.http] {
          get: "/v1/{name=shelves/*/books/*}"
          additional_bindings { get: "/v1/books/{name}" }
        }
      }
    }
    method {
      name: "ListBooks" input_type: ".test.v1.ListBooksRequest" output_type: ".test.v1.ListBooksResponse"
      options { [google.api.http] { get: "/v1/shelves/{shelf_id}/books" } }
    }
    method {
      name: "CreateBook" input_type: ".test.v1.CreateBookRequest" output_type: ".test.v1.Book"
      options { [google.api.http] { post: "/v1/shelves/{shelf_id}/books" body: "book" } }
    }
    method {
      name: "ArchiveBook" input_type: ".test.v1.ArchiveBookRequest" output_type: ".test.v1.Book"
      options { [google.api.http] { post: "/v1/{name=shelves/*/books/*}:archive" body: "*" } }
    }
    method {
      name: "GetFile" input_type: ".test.v1.GetBookRequest" output_type: ".test.v1.Book"
      options { [google.api.http] { get: "/v1/files/{name=**}" } }
    }
    method {
      name: "GetLatestBook" input_type: ".test.v1.GetBookRequest" output_type: ".test.v1.Book"
      options { [google.api.http] { get: "/v1/shelves/{shelf_id}/books/latest" } }
    }
    EXTRA_METHODS
  }
  EXTRA_MESSAGES
)pb";

}  // namespace

TestPool::TestPool(const std::string& extra_methods, const std::string& extra_messages) {
  // Make sure the generated descriptors the test file depends on are linked and loaded.
  google::api::HttpRule::descriptor();
  google::protobuf::Timestamp::descriptor();
  google::protobuf::FieldMask::descriptor();
  pool = std::make_unique<google::protobuf::DescriptorPool>(google::protobuf::DescriptorPool::generated_pool());
  std::string text = kFile;
  text.replace(text.find("EXTRA_METHODS"), 13, extra_methods);
  text.replace(text.find("EXTRA_MESSAGES"), 14, extra_messages);
  google::protobuf::FileDescriptorProto proto;
  if (!google::protobuf::TextFormat::ParseFromString(text, &proto)) {
    ADD_FAILURE() << "test file does not parse";
    return;
  }
  file = pool->BuildFile(proto);
  if (file == nullptr) ADD_FAILURE() << "test file does not build";
}

const google::protobuf::ServiceDescriptor* TestPool::service() const {
  return file == nullptr ? nullptr : file->FindServiceByName("BookService");
}

std::unique_ptr<google::protobuf::Message> TestPool::New(const std::string& message) {
  const auto* d = pool->FindMessageTypeByName(absl::StrCat("test.v1.", message));
  if (d == nullptr) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(factory.GetPrototype(d)->New());
}

}  // namespace meltingdoc::gateway::testing
