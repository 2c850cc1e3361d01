#pragma once
// The common model in one include: types, JSON, validation, issues, NHS number.

#include "broker/model/issues.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/model/resource.hpp"
#include "broker/model/validate.hpp"
