#include "graphs/traced_path.h"

#include <nlohmann/json.hpp>

namespace netlab::graphs {

const TracedHop* TracedPath::drop() const {
  for (const auto& h : hops)
    if (h.dropped) return &h;
  return nullptr;
}

namespace {

using nlohmann::json;

template <typename T>
bool take(const json& obj, const char* key, T* out, std::string* err, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  try {
    *out = it->get<T>();
    return true;
  } catch (const json::exception&) {
    *err = where + ": '" + key + "' has the wrong type";
    return false;
  }
}

/// The JSON spelling of a leg: "out" for the request, "back" for its reply.
const char* direction_name(model::Leg leg) { return leg == model::Leg::reply ? "back" : "out"; }

}  // namespace

Result<TracedPath> traced_path_from_json(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error{"traced path: not valid JSON"};
  if (!doc.is_object()) return Error{"traced path: the document must be an object"};
  TracedPath path;
  std::string err;
  const std::string top = "traced path";
  if (!take(doc, "lab", &path.lab, &err, top) || !take(doc, "guest", &path.guest, &err, top) ||
      !take(doc, "nic", &path.nic, &err, top) || !take(doc, "network", &path.network, &err, top) ||
      !take(doc, "summary", &path.summary, &err, top))
    return Error{err};
  auto hops = doc.find("hops");
  if (hops == doc.end() || !hops->is_array()) return Error{"traced path: 'hops' must be an array"};
  for (size_t i = 0; i < hops->size(); ++i) {
    const json& h = (*hops)[i];
    const std::string where = "traced path: hop " + std::to_string(i + 1);
    if (!h.is_object()) return Error{where + " must be an object"};
    TracedHop hop;
    hop.index = static_cast<int>(i + 1);
    std::string role, direction = "out";
    if (!take(h, "index", &hop.index, &err, where) || !take(h, "role", &role, &err, where) ||
        !take(h, "netns", &hop.netns, &err, where) || !take(h, "device", &hop.device, &err, where) ||
        !take(h, "friendly", &hop.friendly, &err, where) ||
        !take(h, "direction", &direction, &err, where) || !take(h, "summary", &hop.summary, &err, where) ||
        !take(h, "change", &hop.change, &err, where) || !take(h, "time_us", &hop.time_us, &err, where) ||
        !take(h, "dropped", &hop.dropped, &err, where) || !take(h, "drop_cause", &hop.drop_cause, &err, where))
      return Error{err};
    if (direction == direction_name(model::Leg::request)) hop.leg = model::Leg::request;
    else if (direction == direction_name(model::Leg::reply)) hop.leg = model::Leg::reply;
    else return Error{where + ": 'direction' must be \"out\" or \"back\", not \"" + direction + "\""};
    if (role.empty()) return Error{where + ": 'role' is missing"};
    auto parsed = model::from_name<model::HopRole>(role);
    if (!parsed) return Error{where + ": 'role' \"" + role + "\" is not a hop map role"};
    hop.role = *parsed;
    path.hops.push_back(hop);
  }
  return path;
}

std::string traced_path_to_json(const TracedPath& path) {
  json doc;
  doc["lab"] = path.lab;
  doc["guest"] = path.guest;
  doc["nic"] = path.nic;
  doc["network"] = path.network;
  doc["summary"] = path.summary;
  doc["hops"] = json::array();
  for (const auto& h : path.hops) {
    doc["hops"].push_back({{"index", h.index},
                           {"role", model::to_string(h.role)},
                           {"netns", h.netns},
                           {"device", h.device},
                           {"friendly", h.friendly},
                           {"direction", direction_name(h.leg)},
                           {"summary", h.summary},
                           {"change", h.change},
                           {"time_us", h.time_us},
                           {"dropped", h.dropped},
                           {"drop_cause", h.drop_cause}});
  }
  return doc.dump(2);
}

}  // namespace netlab::graphs
