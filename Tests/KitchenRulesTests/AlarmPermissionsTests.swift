import KitchenModel
import KitchenRules
import Testing

@Suite("Who may close an alarm")
struct AlarmPermissionsTests {
    @Test func regulatorsAndAdminsCloseSitesDoNot() {
        #expect(AlarmPermissions.mayClose(Principal(role: .admin)))
        #expect(AlarmPermissions.mayClose(Principal(role: .regulator, scope: "4201")))
        #expect(!AlarmPermissions.mayClose(Principal(role: .site, scope: "canteen-01")))
        #expect(Role.allCases.filter(AlarmPermissions.mayClose) == [.admin, .regulator])
    }
}
