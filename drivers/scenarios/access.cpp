#include "access.hpp"

#include "drivers/common/request.hpp"

#include <shmcheck/protocol/item_codec.hpp>

namespace shmcheck::drivers::scenarios {

using nlohmann::json;

namespace {

json slice_json(const Slice& s) {
  auto part = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
  return json::array({part(s.start), part(s.stop), part(s.step)});
}

// Each request is built once; a worker changes only its item or index before sending it again
// (building the JSON costs as much as performing it).
class ProtocolAccess : public Access {
 public:
  ProtocolAccess(const Session& s, const std::string& h)
      : s_(s),
        value_{{"op", "value"}, {"obj", h}},
        set_value_{{"op", "set_value"}, {"obj", h}, {"item", 0}},
        get_{{"op", "get"}, {"obj", h}, {"index", 0}},
        set_{{"op", "set"}, {"obj", h}, {"index", 0}, {"item", 0}},
        get_slice_{{"op", "get_slice"}, {"obj", h}, {"slice", nullptr}},
        set_slice_{{"op", "set_slice"}, {"obj", h}, {"slice", nullptr}, {"items", json::array()}},
        fetch_add_{{"op", "fetch_add"}, {"obj", h}, {"index", 0}, {"item", 0}},
        acquire_{{"op", "acquire"}, {"obj", h}},
        release_{{"op", "release"}, {"obj", h}} {}

  Item value() override { return protocol::item_from_json(must(s_, value_)); }
  void set_value(const Item& v) override {
    set_value_["item"] = protocol::item_to_json(v);
    must(s_, set_value_);
  }
  Item get(std::int64_t index) override {
    get_["index"] = index;
    return protocol::item_from_json(must(s_, get_));
  }
  void set(std::int64_t index, const Item& v) override {
    set_["index"] = index;
    set_["item"] = protocol::item_to_json(v);
    must(s_, set_);
  }
  std::vector<Item> get_slice(const Slice& s) override {
    get_slice_["slice"] = slice_json(s);
    return items_arg(must(s_, get_slice_));
  }
  void set_slice(const Slice& s, const std::vector<Item>& items) override {
    set_slice_["slice"] = slice_json(s);
    set_slice_["items"] = items_json(items);
    must(s_, set_slice_);
  }
  Item fetch_add(std::int64_t index, const Item& delta) override {
    fetch_add_["index"] = index;
    fetch_add_["item"] = protocol::item_to_json(delta);
    return protocol::item_from_json(must(s_, fetch_add_));
  }
  void acquire() override { must(s_, acquire_); }
  void release() override { must(s_, release_); }

 private:
  const Session& s_;
  json value_, set_value_, get_, set_, get_slice_, set_slice_, fetch_add_, acquire_, release_;
};

}  // namespace

std::unique_ptr<Access> protocol_access(const Session& s, const std::string& handle) {
  return std::make_unique<ProtocolAccess>(s, handle);
}

std::unique_ptr<Access> access(const Session& s, const std::string& handle) {
  if (s.access) return s.access(handle);
  return protocol_access(s, handle);
}

}  // namespace shmcheck::drivers::scenarios
