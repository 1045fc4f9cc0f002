import Foundation

/// Camera pushes as the vendors publish them (docs/third-party-devices.md, "Sources of the
/// fixtures"): the bodies are copied byte for byte; only what the sources leave as placeholders
/// (`[Picture Data]`, `image_length`) is filled in by `multipart(...)`.
public enum CameraPushFixtures {
    /// Hikvision ISAPI Developer Guide, 5.1.4 "Sample Messages": the device's heartbeat alert.
    public static let isapiHeartbeatXML = """
        <EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
        <ipAddress>10.17.133.46</ipAddress>
        <portNo>80</portNo>
        <protocol>HTTP</protocol>
        <macAddress>44:19:b6:6d:24:85</macAddress>
        <channelID>1</channelID>
        <dateTime>2017-05-04T11:20:02+08:00</dateTime>
        <activePostCount>0</activePostCount>
        <eventType>heartBeat</eventType>
        <eventState>active</eventState>
        <eventDescription>heartBeat</eventDescription>
        </EventNotificationAlert>
        """

    /// A line-crossing alert as a Hikvision camera (firmware with `DetectionRegionList` and
    /// `TargetRect`) posts it to an `httpHosts` target, from a published capture.
    public static let isapiLineDetectionXML = """
        <EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
        <ipAddress>10.17.1.105</ipAddress>
        <portNo>7777</portNo>
        <protocol>HTTP</protocol>
        <macAddress>80:be:af:89:d9:ee</macAddress>
        <channelID>1</channelID>
        <dateTime>2025-08-03T15:51:35+03:00</dateTime>
        <activePostCount>1</activePostCount>
        <eventType>linedetection</eventType>
        <eventState>active</eventState>
        <eventDescription>linedetection alarm</eventDescription>
        <DetectionRegionList>
        <DetectionRegionEntry>
        <regionID>1</regionID>
        <sensitivityLevel>50</sensitivityLevel>
        <RegionCoordinatesList>
        <RegionCoordinates>
        <positionX>876</positionX>
        <positionY>487</positionY>
        </RegionCoordinates>
        <RegionCoordinates>
        <positionX>403</positionX>
        <positionY>152</positionY>
        </RegionCoordinates>
        </RegionCoordinatesList>
        <detectionTarget>vehicle</detectionTarget>
        <TargetRect>
        <X>0.425</X>
        <Y>0.144</Y>
        <width>0.021</width>
        <height>0.090</height>
        </TargetRect>
        </DetectionRegionEntry>
        </DetectionRegionList>
        <channelName>Camera 01</channelName>
        <detectionPictureTransType>binary</detectionPictureTransType>
        <detectionPicturesNumber>1</detectionPicturesNumber>
        <isDataRetransmission>false</isDataRetransmission>
        </EventNotificationAlert>

        """

    /// The same alert with `eventType` set to another value (a kitchen class, an unknown type).
    public static func isapiAlertXML(eventType: String, state: String = "active") -> String {
        isapiLineDetectionXML.fixtureReplacingFirst("<eventType>linedetection</eventType>", with: "<eventType>\(eventType)</eventType>")
            .fixtureReplacingFirst("<eventState>active</eventState>", with: "<eventState>\(state)</eventState>")
    }

    /// The multipart layout of the ISAPI guide (boundary `<frontier>` kept verbatim, angle
    /// brackets included; the alert part; a `Picture_Name` part as `image/pjpeg`), with the
    /// guide's placeholders filled: `Content-Length`s and the picture bytes.
    public static func multipart(alert: String, picture: [UInt8]?, boundary: String = "<frontier>",
                                 closing: Bool = false) -> [UInt8] {
        var body: [UInt8] = []
        func line(_ s: String) { body += Array((s + "\r\n").utf8) }
        line("--\(boundary)")
        line("Content-Type: application/xml; charset=\"UTF-8\"")
        line("Content-Length: \(alert.utf8.count)")
        line("")
        body += Array(alert.utf8)
        line("")
        if let picture {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"Picture_Name\"")
            line("Content-Type: image/pjpeg")
            line("Content-Length: \(picture.count)")
            line("Content-ID: image_ID")
            line("")
            body += picture
            line("")
        }
        line("--\(boundary)" + (closing ? "--" : ""))
        return body
    }

    public static func multipartContentType(boundary: String = "<frontier>") -> String {
        "multipart/form-data; boundary=\(boundary)"
    }

    /// GA/T 1400.4 registration and keepalive bodies (`RegisterObject`, `KeepaliveObject`).
    public static func gatRegister(_ deviceID: String) -> String { #"{"RegisterObject":{"DeviceID":"\#(deviceID)"}}"# }
    public static func gatKeepalive(_ deviceID: String) -> String { #"{"KeepaliveObject":{"DeviceID":"\#(deviceID)"}}"# }

    /// A notification list carrying one `SubImageInfoObject` with the fields of the published
    /// `SubImageList` example (wzbwzt/study-go test/police.md), `EventSort` set to a kitchen code.
    public static func gatNotification(deviceID: String, eventSort: String, base64: String, notificationID: String = "N1",
                                       shotTime: String = "20210411171337") -> String {
        #"{"SubscribeNotificationListObject":{"SubscribeNotificationObject":[{"NotificationID":"\#(notificationID)","#
            + #""SubscribeID":"S1","Title":"kitchen","TriggerTime":"\#(shotTime)","InfoIDs":"\#(notificationID)","#
            + #""ImageObjectList":{"ImageObject":[{"ImageID":"\#(deviceID)0220210411171337000001","SubImageList":{"SubImageInfoObject":[{"#
            + #""Type":"14","OriginImageID":"","DeviceID":"\#(deviceID)","ImageID":"\#(deviceID)0220210411171337000001","#
            + #""EventSort":"\#(eventSort)","ShotTime":"\#(shotTime)","Height":"","Data":"\#(base64)","ImageSource":"","#
            + #""FileFormat":"Jpeg","Width":""}]}}]}}]}}"#
    }
}

extension String {
    func fixtureReplacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
