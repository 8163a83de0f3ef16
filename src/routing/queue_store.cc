#include "routing/queue_store.h"

namespace callbase::routing {

bool MemoryQueueStore::Add(Place place) {
    const CallId call = place.entry.call;
    if (places_.contains(call)) return false;
    if (place.seq == 0) place.seq = next_seq_++;
    const Key key{place.rank, place.seq, call};
    order_.insert(key);
    lines_[place.line].insert(key);
    places_.emplace(call, std::move(place));
    return true;
}

bool MemoryQueueStore::Take(CallId call) {
    auto it = places_.find(call);
    if (it == places_.end()) return false;
    const Place& p = it->second;
    const Key key{p.rank, p.seq, call};
    order_.erase(key);
    auto line = lines_.find(p.line);
    line->second.erase(key);
    if (line->second.empty()) lines_.erase(line);
    places_.erase(it);
    return true;
}

bool MemoryQueueStore::MarkCallback(CallId call) {
    auto it = places_.find(call);
    if (it == places_.end() || it->second.entry.callback) return false;
    it->second.entry.callback = true;
    return true;
}

const Place* MemoryQueueStore::Find(CallId call) const {
    auto it = places_.find(call);
    return it == places_.end() ? nullptr : &it->second;
}

void MemoryQueueStore::Each(std::string_view line,
                            const std::function<bool(const Place&)>& fn) const {
    const std::set<Key>* keys = &order_;
    if (!line.empty()) {
        auto found = lines_.find(line);
        if (found == lines_.end()) return;
        keys = &found->second;
    }
    for (const Key& key : *keys) {
        if (!fn(places_.at(std::get<2>(key)))) return;
    }
}

size_t MemoryQueueStore::Count(std::string_view line) const {
    if (line.empty()) return places_.size();
    auto found = lines_.find(line);
    return found == lines_.end() ? 0 : found->second.size();
}

}  // namespace callbase::routing
