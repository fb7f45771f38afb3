"""17TRACK's documented error codes, each with its meaning.

Codes arrive in two places: per item (``data.rejected[].error.code``) and for a whole request (a
non-zero top-level ``code``). An undocumented code becomes an ``ErrorCode`` named UNKNOWN that keeps
the integer, so nothing raises while a response is parsed.
"""

from __future__ import annotations

from track17_facade._lenient_enum import LenientIntEnum

__all__ = ["ErrorCode"]


class ErrorCode(LenientIntEnum):
    """A 17TRACK error code. ``code.meaning`` says what it means."""

    SUCCESS = 0
    IP_NOT_WHITELISTED = -18010001
    INVALID_SECURITY_KEY = -18010002
    INTERNAL_SERVICE_ERROR = -18010003
    ACCOUNT_DISABLED = -18010004
    UNAUTHORIZED_ACCESS = -18010005
    FIELD_REQUIRED = -18010010
    FIELD_VALUE_INVALID = -18010011
    FIELD_FORMAT_INVALID = -18010012
    SUBMITTED_DATA_INVALID = -18010013
    TOO_MANY_NUMBERS = -18010014
    FIELD_VALUE_NOT_ALLOWED = -18010015
    LAST_MILE_CARRIER_POSTAL_ONLY = -18010016
    COUNTRY_AND_POSTAL_CODE_REQUIRED = -18010018
    POSTAL_CODE_REQUIRED = -18010019
    PHONE_NUMBER_REQUIRED = -18010020
    ADDITIONAL_INFORMATION_REQUIRED = -18010022
    WEBHOOK_URL_REQUIRED = -18010201
    WEBHOOK_URL_INVALID = -18010202
    WEBHOOK_TEST_FAILED = -18010203
    WEBHOOK_URL_NOT_SET = -18010204
    IP_ADDRESS_INVALID = -18010205
    PUSH_FAILED = -18010206
    ALREADY_REGISTERED = -18019901
    NOT_REGISTERED = -18019902
    CARRIER_NOT_DETECTED = -18019903
    RETRACK_ONLY_STOPPED = -18019904
    RETRACK_ONLY_ONCE = -18019905
    STOP_ONLY_TRACKING = -18019906
    DAILY_LIMIT_EXCEEDED = -18019907
    QUOTA_EXHAUSTED = -18019908
    NO_TRACKING_INFO_YET = -18019909
    CARRIER_CODE_INCORRECT = -18019910
    CARRIER_NOT_REGISTRABLE_NOW = -18019911
    SEVERAL_CARRIERS_SPECIFY_OLD = -18019801
    NEW_CARRIER_INCORRECT = -18019802
    SAME_CARRIER = -18019803
    NEW_CARRIER_REQUIRED = -18019804
    NOT_REGISTERED_WITH_CARRIER = -18019805
    CHANGE_CARRIER_OF_STOPPED = -18019806
    CARRIER_CHANGE_LIMIT = -18019807
    NO_RESULT_SINCE_CHANGE = -18019808
    CARRIER_REGISTRATION_EXISTS = -18019809
    UPDATE_CONDITION_NOT_UNIQUE = -18019810
    CHANGE_DATA_INVALID = -18019811
    REALTIME_NOT_ENABLED = -18019912
    """v2.4: real-time lookups (getRealTimeTrackInfo) are not enabled for this account (seen in
    public clients; -18019815 to -18019818 were seen too, with no published meaning: they come
    as UNKNOWN, keeping the code)."""
    CHECK_DIGIT_FAILED = -17000001
    """Not 17TRACK's: this SDK refused the number before sending it, because its check digit does
    not match its format (``register(..., check_digits="reject")``); it is almost surely mistyped.
    17TRACK's codes are all below -18000000, so this one cannot collide with them."""

    @property
    def meaning(self) -> str:
        """17TRACK's documented meaning ({0} and {1} stand for the values 17TRACK fills in)."""
        if not self.is_known:
            return f"undocumented 17TRACK error code {self.raw}"
        return _MEANINGS[self]


_MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.SUCCESS: "success",
    ErrorCode.IP_NOT_WHITELISTED: "IP address not in whitelist",
    ErrorCode.INVALID_SECURITY_KEY: "invalid security key",
    ErrorCode.INTERNAL_SERVICE_ERROR: "internal service error, retry later",
    ErrorCode.ACCOUNT_DISABLED: "account disabled",
    ErrorCode.UNAUTHORIZED_ACCESS: "unauthorized access",
    ErrorCode.FIELD_REQUIRED: "data field {0} required",
    ErrorCode.FIELD_VALUE_INVALID: "value of data field {0} invalid",
    ErrorCode.FIELD_FORMAT_INVALID: "format of data field {0} invalid",
    ErrorCode.SUBMITTED_DATA_INVALID: "submitted data invalid",
    ErrorCode.TOO_MANY_NUMBERS: "more than 40 tracking numbers in one request",
    ErrorCode.FIELD_VALUE_NOT_ALLOWED: "value {0} of field {1} invalid",
    ErrorCode.LAST_MILE_CARRIER_POSTAL_ONLY: "last-mile carrier only allowed for postal services",
    ErrorCode.COUNTRY_AND_POSTAL_CODE_REQUIRED: ("field {1} requires alpha-2 country code and postal code"),
    ErrorCode.POSTAL_CODE_REQUIRED: "field {1} requires a postal code",
    ErrorCode.PHONE_NUMBER_REQUIRED: "field {1} requires a phone number",
    ErrorCode.ADDITIONAL_INFORMATION_REQUIRED: "additional information required",
    ErrorCode.WEBHOOK_URL_REQUIRED: "webhook URL required",
    ErrorCode.WEBHOOK_URL_INVALID: "webhook URL format incorrect",
    ErrorCode.WEBHOOK_TEST_FAILED: "webhook test failed, HTTP status {0}",
    ErrorCode.WEBHOOK_URL_NOT_SET: "webhook URL not set, cannot push",
    ErrorCode.IP_ADDRESS_INVALID: "IP address format incorrect",
    ErrorCode.PUSH_FAILED: "push failed",
    ErrorCode.ALREADY_REGISTERED: "number {0} already registered",
    ErrorCode.NOT_REGISTERED: "number {0} not registered yet",
    ErrorCode.CARRIER_NOT_DETECTED: "carrier cannot be detected",
    ErrorCode.RETRACK_ONLY_STOPPED: "only stopped numbers can be re-tracked",
    ErrorCode.RETRACK_ONLY_ONCE: "each number can only be re-tracked once",
    ErrorCode.STOP_ONLY_TRACKING: "only numbers being tracked can be stopped",
    ErrorCode.DAILY_LIMIT_EXCEEDED: "daily tracking limit exceeded",
    ErrorCode.QUOTA_EXHAUSTED: "quota exhausted",
    ErrorCode.NO_TRACKING_INFO_YET: "no tracking information at the moment",
    ErrorCode.CARRIER_CODE_INCORRECT: "carrier code {0} incorrect",
    ErrorCode.CARRIER_NOT_REGISTRABLE_NOW: ("numbers of this carrier cannot be registered at the moment"),
    ErrorCode.SEVERAL_CARRIERS_SPECIFY_OLD: (
        "number registered with several carriers; specify the old carrier"
    ),
    ErrorCode.NEW_CARRIER_INCORRECT: "new carrier {0} incorrect",
    ErrorCode.SAME_CARRIER: "new carrier same as the current one",
    ErrorCode.NEW_CARRIER_REQUIRED: "new carrier must be given",
    ErrorCode.NOT_REGISTERED_WITH_CARRIER: "number {1} with carrier {0} not registered",
    ErrorCode.CHANGE_CARRIER_OF_STOPPED: ("cannot change the carrier of a stopped number; retrack first"),
    ErrorCode.CARRIER_CHANGE_LIMIT: "carrier change count exceeds the limit (5)",
    ErrorCode.NO_RESULT_SINCE_CHANGE: ("no tracking result yet since the last register or change; wait"),
    ErrorCode.CARRIER_REGISTRATION_EXISTS: "registration with carrier {0} already exists",
    ErrorCode.UPDATE_CONDITION_NOT_UNIQUE: "data matching the update condition is not unique",
    ErrorCode.CHANGE_DATA_INVALID: "data to change is not valid",
    ErrorCode.REALTIME_NOT_ENABLED: "real-time lookups are not enabled for this account",
    ErrorCode.CHECK_DIGIT_FAILED: "check digit of number {0} wrong for its format (the SDK did not send it)",
}
