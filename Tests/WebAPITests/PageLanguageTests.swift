import Testing
@testable import WebAPI

@Suite struct PageLanguageTests {
    @Test(arguments: [
        (nil as String?, PageLanguage.zh),
        ("en", .en),
        ("zh-CN,zh;q=0.9,en;q=0.8", .zh),
        ("en-US,en;q=0.9,zh;q=0.5", .en),
        ("fr-FR, EN;q=0.3", .en),
        (" zh ; q=0.2 , en;q=0.1", .zh),
        ("de, fr", .zh),
        ("en;q=garbage, zh;q=0.5", .en),
        ("", .zh),
    ])
    func picksTheBrowsersPreferredLanguage(header: String?, expected: PageLanguage) {
        #expect(PageLanguage.from(acceptLanguage: header) == expected)
    }
}
