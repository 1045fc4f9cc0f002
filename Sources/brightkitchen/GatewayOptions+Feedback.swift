import ArgumentParser
import Foundation
import WebAPI

extension GatewayOptions {
    /// The holiday calendar file these options name, read and checked now (nil: the bundled one).
    func holidayCalendar() throws -> HolidayCalendarFile? {
        guard let path = holidays ?? ProcessInfo.processInfo.environment["BK_HOLIDAYS"] else { return nil }
        do {
            return try HolidayCalendarFile(path: path)
        } catch {
            throw ValidationError("--holidays: \(error)")
        }
    }
}
