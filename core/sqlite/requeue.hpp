#pragma once

#include <string_view>

#include "core/sqlite/sqlite_db.hpp"
#include "core/store.hpp"

namespace leadsync::core::sqlite {

// store::requeue_leads on this connection.
requeue_result requeue_leads(database& db, std::string_view connector, const lead_filter& filter, timestamp now);

}  // namespace leadsync::core::sqlite
