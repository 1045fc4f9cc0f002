import KitchenModel
import Testing

@Suite struct DeviceCommandTests {
    @Test func replayRoundTrips() {
        let command = DeviceCommand.replay(fromSeq: 42, boot: 3)
        #expect(String(decoding: command.jsonBytes(), as: UTF8.self) == #"{"boot":3,"cmd":"replay","from_seq":42}"#)
        #expect(DeviceCommand(json: command.jsonBytes()) == command)
    }

    @Test func aBoundedReplayRoundTrips() {
        let command = DeviceCommand.replay(fromSeq: 42, boot: nil, toSeq: 45)
        #expect(String(decoding: command.jsonBytes(), as: UTF8.self) == #"{"cmd":"replay","from_seq":42,"to_seq":45}"#)
        #expect(DeviceCommand(json: command.jsonBytes()) == command)
    }

    @Test func rebirthRoundTrips() {
        #expect(DeviceCommand(json: DeviceCommand.rebirth.jsonBytes()) == .rebirth)
    }

    @Test func unknownCommandsAreNil() {
        #expect(DeviceCommand(json: Array(#"{"cmd":"selfdestruct"}"#.utf8)) == nil)
        #expect(DeviceCommand(json: Array("not json".utf8)) == nil)
        #expect(DeviceCommand(json: Array(#"{"cmd":"replay"}"#.utf8)) == nil)
    }
}
