#pragma once

#include <string>
#include <string_view>

#include "core/sqlite/sqlite_db.hpp"
#include "core/store.hpp"

namespace leadsync::core::sqlite {

// Hex SHA-256 of the normalised email: the tombstone of a forgotten person.
// "" when the text holds no usable address.
std::string email_tombstone(std::string_view email);

// What is left of an event after its person was forgotten (?1 is its seq):
// the columns dedup and ordering need, and a body that says so. Sets it
// processed: there is nothing left to process.
inline constexpr std::string_view tombstone_event_sql =
    "UPDATE events SET email = '', processed = 1, body = json_object('source', source, 'source_event_id', "
    "source_event_id, 'kind', kind, 'received_at_ms', received_at_ms, 'forgotten', json('true')) WHERE seq = ?1";

// store::forget_person and store::checkpoint_truncate on this connection.
forget_result forget_person(database& db, std::string_view email, timestamp now);
bool checkpoint_truncate(database& db);

}  // namespace leadsync::core::sqlite
