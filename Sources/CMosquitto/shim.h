#ifndef BRIGHTKITCHEN_CMOSQUITTO_SHIM_H
#define BRIGHTKITCHEN_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
