#include "netlab/host/nft.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "netlab/host/netns.h"
#include "netlab/host/nftables_api.h"

namespace netlab::host {
namespace {

/// Family and table names reach the nft parser: allow only what nft itself prints.
bool plain_word(const std::string& word) {
  if (word.empty() || word.size() > 64) return false;
  for (char c : word)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<Nft> Nft::open(const std::string& netns) {
  auto loaded = model::load_api<NftablesApi>();
  if (!loaded) return loaded.error();
  const NftablesApi& api = **loaded;
  Result<nft_ctx*> made = run_in_netns(netns, [&api] { return api.nft_ctx_new(NFT_CTX_DEFAULT); });
  if (!made) return made.error();
  if (*made == nullptr) return Error{"nft: cannot allocate a libnftables context"};
  nft_ctx* ctx = *made;
  if (api.nft_ctx_buffer_output(ctx) != 0 || api.nft_ctx_buffer_error(ctx) != 0) {
    api.nft_ctx_free(ctx);
    return Error{"nft: cannot buffer libnftables output"};
  }
  return Nft(netns, ctx);
}

Nft::Nft(std::string netns, nft_ctx* ctx) : netns_(std::move(netns)), ctx_(ctx) {}

Nft::Nft(Nft&& other) noexcept : netns_(std::move(other.netns_)), ctx_(std::exchange(other.ctx_, nullptr)) {}

Nft& Nft::operator=(Nft&& other) noexcept {
  if (this != &other) {
    if (ctx_) nftables_api().nft_ctx_free(ctx_);
    netns_ = std::move(other.netns_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

Nft::~Nft() {
  if (ctx_) nftables_api().nft_ctx_free(ctx_);
}

Result<std::string> Nft::run(const std::string& text, unsigned int output_flags, bool dry_run) {
  if (!ctx_) return Error{"nft: no context"};
  nft_ctx* ctx = ctx_;
  struct Outcome {
    int rc;
    std::string out;
    std::string err;
  };
  const NftablesApi& nft = nftables_api();
  Result<Outcome> outcome = run_in_netns(netns_, [&] {
    nft.nft_ctx_output_set_flags(ctx, output_flags);
    nft.nft_ctx_set_dry_run(ctx, dry_run);
    int rc = nft.nft_run_cmd_from_buffer(ctx, text.c_str());
    // Reading the buffers also resets them for the next command.
    const char* out = nft.nft_ctx_get_output_buffer(ctx);
    const char* err = nft.nft_ctx_get_error_buffer(ctx);
    nft.nft_ctx_set_dry_run(ctx, false);
    return Outcome{rc, out ? out : "", err ? err : ""};
  });
  if (!outcome) return outcome.error();
  if (outcome->rc != 0) {
    std::string where = netns_.empty() ? "" : " in namespace " + netns_;
    std::string why = trim(outcome->err);
    return Error{"nft" + where + ": " + (why.empty() ? "command failed" : why)};
  }
  return std::move(outcome->out);
}

Status Nft::apply(const std::string& text) {
  Result<std::string> out = run(text, 0, false);
  if (!out) return out.error();
  return {};
}

Status Nft::check(const std::string& text) {
  Result<std::string> out = run(text, 0, true);
  if (!out) return out.error();
  return {};
}

Result<std::string> Nft::list_json(const std::string& command, bool numeric) {
  const unsigned numbers = numeric ? static_cast<unsigned>(NFT_CTX_OUTPUT_NUMERIC_ALL) : 0u;
  return run(command, NFT_CTX_OUTPUT_JSON | numbers, false);
}

Result<std::string> Nft::list_ruleset_json() { return list_json("list ruleset"); }

Result<std::vector<TableRef>> Nft::list_tables() {
  Result<std::string> json = list_json("list tables");
  if (!json) return json.error();
  return parse_tables_json(*json);
}

bool Nft::has_table(const std::string& family, const std::string& name) {
  Result<std::vector<TableRef>> tables = list_tables();
  if (!tables) return false;
  for (const TableRef& t : *tables)
    if (t.family == family && t.name == name) return true;
  return false;
}

Result<DeleteOutcome> Nft::delete_table(const std::string& family, const std::string& name) {
  if (!plain_word(family) || !plain_word(name)) return Error{"nft: invalid table name '" + family + " " + name + "'"};
  // "destroy table" (no error when absent) needs nftables 1.0.8; check first instead.
  Result<std::vector<TableRef>> tables = list_tables();
  if (!tables) return tables.error();
  bool present = false;
  for (const TableRef& t : *tables) present = present || (t.family == family && t.name == name);
  if (!present) return DeleteOutcome::absent;
  Status deleted = apply("delete table " + family + " " + name);
  if (!deleted) {
    // Removed by someone else between the listing and the delete: still absent.
    if (!has_table(family, name)) return DeleteOutcome::absent;
    return deleted.error();
  }
  return DeleteOutcome::deleted;
}

Result<std::vector<TableRef>> parse_tables_json(const std::string& json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("nftables") || !doc["nftables"].is_array())
    return Error{"nft: unexpected JSON from 'list tables'"};
  std::vector<TableRef> tables;
  for (const nlohmann::json& item : doc["nftables"]) {
    if (!item.is_object() || !item.contains("table")) continue;
    const nlohmann::json& t = item["table"];
    if (!t.is_object() || !t.contains("family") || !t.contains("name") || !t["family"].is_string() ||
        !t["name"].is_string())
      return Error{"nft: table entry without family or name"};
    tables.push_back({t["family"].get<std::string>(), t["name"].get<std::string>()});
  }
  return tables;
}

}  // namespace netlab::host
