import json
T1="YXBpLW1vbml0b3I6NmYxYzJhOWUtNGI3ZC00YzFlLTlhNTUtMGQzZThiN2MyZjEw"  # api-monitor:6f1c...
T2="YXBpLW1vbml0b3I6MGI4ZTRkMmMtOTNmMS00YTZiLThjNzctNWUyZDFmOWEzYjQ0"  # api-monitor:0b8e...
T3="QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3"          # Admin:9835...
B5="YXBpLW1vbml0b3I6U0VLUklULWJhc2ljLXB3LTU="                          # api-monitor:SEKRIT-basic-pw-5
def url(path, query=None, raw_extra=""):
    parts = path.split("/")
    u = {"raw": "https://{{domain}}/Integra/resources/" + path + raw_extra,
         "protocol": "https", "host": ["{{domain}}"], "path": ["Integra", "resources"] + parts}
    if query: u["query"] = query
    return u
form_ct = {"key": "Content-Type", "value": "application/x-www-form-urlencoded; charset=UTF-8"}
doc = {
 "info": {
  "_postman_id": "2b1f0d7c-9a4e-4f6b-8d2a-6c3e5f7a9b10",
  "name": "uContact Integra API (v6)",
  "description": "Colección del proveedor. Usuario de prueba: api-monitor / password: SEKRIT-desc-pw-1. Token de ejemplo: " + T3,
  "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
  "_exporter_id": "28417713"
 },
 "item": [
  {"name": "Autenticación", "item": [
   {"name": "Inicio de sesión",
    "event": [{"listen": "test", "script": {"exec": [
       "var data = pm.response.json();",
       "pm.collectionVariables.set(\"token\", data[data.length - 1]);",
       "pm.environment.set(\"password\", \"SEKRIT-script-pw-2\");",
       "const apiKey = 'SEKRIT-script-key-3';"], "type": "text/javascript"}}],
    "request": {"method": "POST", "header": [form_ct],
     "body": {"mode": "urlencoded", "urlencoded": [
       {"key": "user", "value": "api-monitor", "type": "text"},
       {"key": "password", "value": "SEKRIT-form-pw-4", "type": "text"}]},
     "url": url("auth/getUserToken"),
     "description": "Devuelve un JSON; el APIKey es el último elemento."},
    "response": [{"name": "OK", "originalRequest": {"method": "POST",
       "header": [form_ct, {"key": "Authorization", "value": "Basic " + B5}],
       "body": {"mode": "urlencoded", "urlencoded": [
         {"key": "user", "value": "api-monitor", "type": "text"},
         {"key": "password", "value": "SEKRIT-example-pw-6", "type": "text"}]},
       "url": url("auth/getUserToken")},
      "status": "OK", "code": 200, "_postman_previewlanguage": "json",
      "header": [{"key": "Content-Type", "value": "application/json"},
                 {"key": "Set-Cookie", "value": "JSESSIONID=SEKRIT-cookie-7; Path=/Integra; Secure; HttpOnly"}],
      "cookie": [{"expires": "Invalid Date", "domain": "", "path": "/Integra", "secure": True, "httpOnly": True,
                  "name": "JSESSIONID", "value": "SEKRIT-cookie-7"}],
      "body": json.dumps(["api-monitor", 0, T2])}]},
   {"name": "Cerrar sesión",
    "request": {"method": "POST",
     "header": [form_ct, {"key": "Authorization", "value": "Basic " + T1}],
     "body": {"mode": "urlencoded", "urlencoded": [
       {"key": "user", "value": "{{user}}", "type": "text"},
       {"key": "token", "value": T1, "type": "text"}]},
     "url": url("auth/EndSession")},
    "response": []}],
   "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "SEKRIT-folder-bearer-8", "type": "string"}]},
   "variable": [{"key": "sessionId", "value": "SEKRIT-folder-var-9", "type": "secret"}]},
  {"name": "Supervisor", "item": [
   {"name": "Estado de campañas",
    "request": {"method": "POST",
     "header": [form_ct, {"key": "Authorization", "value": "Basic {{apiKey}}"}],
     "body": {"mode": "urlencoded", "urlencoded": [{"key": "queue", "value": "", "type": "text"}]},
     "url": url("Supervisor/campaignstatus", [{"key": "access_token", "value": "SEKRIT-query-10"}, {"key": "lang", "value": "es"}], "?access_token=SEKRIT-query-10&lang=es")},
    "response": [{"name": "Campañas", "originalRequest": {"method": "POST", "header": [], "url": url("Supervisor/campaignstatus")},
      "status": "OK", "code": 200, "header": [], "cookie": [],
      "body": "{\n  \"Soporte\": {\"campaign\": \"Soporte\", \"availables\": 1, \"busy\": 2}\n}"}]},
   {"name": "Agentes",
    "request": {"auth": {"type": "apikey", "apikey": [
       {"key": "value", "value": "SEKRIT-apikey-auth-11", "type": "string"},
       {"key": "key", "value": "X-API-Key", "type": "string"},
       {"key": "in", "value": "header", "type": "string"}]},
     "method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
     "body": {"mode": "raw", "raw": "{\n    \"user\": \"api-monitor\",\n    \"password\": \"SEKRIT-raw-json-12\",\n    \"pin\": 1234\n}", "options": {"raw": {"language": "json"}}},
     "url": url("Supervisor/agentstatus")},
    "response": []}]},
  {"name": "Telefonía", "item": [
   {"name": "Llamar",
    "request": {"method": "POST", "header": [{"key": "X-Auth-Token", "value": "SEKRIT-header-13"}],
     "body": {"mode": "formdata", "formdata": [
       {"key": "phone", "value": "099123456", "type": "text"},
       {"key": "token", "value": "SEKRIT-formdata-14", "type": "text"},
       {"key": "audio", "type": "file", "src": "/home/ana/prompt.wav"}]},
     "url": {"raw": "https://admin:SEKRIT-urlpw-15@{{domain}}/Integra/resources/Telephony/makeCall",
             "protocol": "https", "auth": {}, "host": ["{{domain}}"], "path": ["Integra", "resources", "Telephony", "makeCall"]}},
    "response": []},
   {"name": "Enviar SMS",
    "request": {"method": "POST", "header": [{"key": "Content-Type", "value": "application/x-www-form-urlencoded"}],
     "body": {"mode": "raw", "raw": "to=099123456&text=hola&apikey=SEKRIT-raw-form-16"},
     "url": url("SMS/send")},
    "response": []},
   {"name": "Disposición",
    "request": {"auth": {"type": "oauth2", "oauth2": [
       {"key": "accessToken", "value": "SEKRIT-oauth-17", "type": "string"},
       {"key": "clientSecret", "value": "SEKRIT-client-18", "type": "string"},
       {"key": "tokenType", "value": "Bearer", "type": "string"},
       {"key": "addTokenTo", "value": "header", "type": "string"},
       {"key": "accessTokenUrl", "value": "https://{{domain}}/oauth/token", "type": "string"}]},
     "method": "POST", "header": [{"key": "Content-Type", "value": "application/xml"}],
     "body": {"mode": "raw", "raw": "<disposition><campaign>Soporte</campaign><password>SEKRIT-xml-19</password></disposition>"},
     "url": url("Disposition/dispositionCall")},
    "response": []}]}
 ],
 "auth": {"type": "basic", "basic": [
   {"key": "password", "value": "SEKRIT-coll-basic-20", "type": "string"},
   {"key": "username", "value": "api-monitor", "type": "string"}]},
 "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
   "pm.request.headers.upsert({key: 'Authorization', value: 'Basic " + T1 + "'});", ""]}}],
 "variable": [
   {"key": "domain", "value": "acme.ucontactcloud.com", "type": "string"},
   {"key": "user", "value": "api-monitor", "type": "string"},
   {"key": "password", "value": "SEKRIT-var-pw-21", "type": "string"},
   {"key": "token", "value": T1, "type": "string"},
   {"key": "apiKey", "value": "SEKRIT-var-apikey-22", "type": "string"},
   {"key": "tenantSecret", "value": "SEKRIT-var-secret-23", "type": "default", "enabled": True},
   {"key": "queue", "value": "", "type": "string"}]
}
open("vendor-v21.postman_collection.json", "w").write(json.dumps(doc, indent="\t", ensure_ascii=False) + "\n")

# The previous vendor release: what the repository held before this import.
import copy
prev = copy.deepcopy(doc)
auth_folder = prev["item"][0]
auth_folder["item"][1]["name"] = "Logout"                       # renamed since
sup = prev["item"][1]
sup["item"][0]["request"]["header"].append({"key": "X-Version", "value": "5"})   # header removed since
del sup["item"][1]                                               # Agentes: added since
tel = prev["item"][2]
tel["item"][1]["request"]["url"] = url("SMS/sendSMS")            # URL changed since
tel["item"].append({"name": "Grabaciones", "request": {"method": "POST", "header": [], "url": url("Recordings/list")}, "response": []})  # removed since
auth_folder["item"][0]["event"][0]["script"]["exec"] = ["var data = pm.response.json();"]   # script changed since
prev["variable"].append({"key": "legacyFlag", "value": "1", "type": "string"})
open("vendor-v21-previous.postman_collection.json", "w").write(json.dumps(prev, indent="\t", ensure_ascii=False) + "\n")

# A v2.0 export: auth as maps, a header list as text, a request as a bare URL, variables with ids.
v20 = {
 "info": {"name": "Integra v5 (2.0)", "_postman_id": "9f0e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
          "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
 "auth": {"type": "basic", "basic": {"username": "api-monitor", "password": "SEKRIT-v20-basic-30"}},
 "variable": [
   {"id": "domain", "key": "domain", "value": "acme.ucontactcloud.com", "type": "string"},
   {"id": "password", "key": "password", "value": "SEKRIT-v20-var-31", "type": "string"},
   {"id": "k", "key": "k", "value": "SEKRIT-v20-indirect-32", "type": "string"},
   {"key": "vault", "value": "SEKRIT-v20-secret-type-33", "type": "secret"}],
 "item": [
  {"name": "getUserToken",
   "request": {"url": "https://{{domain}}/Integra/resources/auth/getUserToken", "method": "POST",
     "header": [{"key": "Content-Type", "value": "application/x-www-form-urlencoded; charset=UTF-8"}],
     "body": {"mode": "urlencoded", "urlencoded": [
       {"key": "user", "value": "api-monitor", "type": "text"},
       {"key": "password", "value": "SEKRIT-v20-form-34", "type": "text"}]}}},
  {"name": "campaignstatus",
   "request": {"url": "https://{{domain}}/Integra/resources/Supervisor/campaignstatus", "method": "POST",
     "auth": {"type": "bearer", "bearer": {"token": "SEKRIT-v20-bearer-35"}},
     "header": [{"key": "Authorization", "value": "Basic {{k}}"}],
     "body": {"mode": "urlencoded", "urlencoded": [{"key": "queue", "value": "", "type": "text"}]}}},
  {"name": "agents",
   "request": {"url": "https://{{domain}}/Integra/resources/Supervisor/agentstatus", "method": "POST",
     "auth": {"type": "apikey", "apikey": {"key": "X-Custom", "value": "SEKRIT-v20-apikey-36", "in": "header"}},
     "header": [{"key": "Content-Type", "value": "application/json"}]}},
  {"name": "ping", "request": "https://{{domain}}/Integra/resources/ping?api_key=SEKRIT-v20-query-37"},
  {"name": "EndSession",
   "request": {"url": "https://{{domain}}/Integra/resources/auth/EndSession", "method": "POST",
     "header": [{"key": "Content-Type", "value": "application/x-www-form-urlencoded; charset=UTF-8"},
                {"key": "Authorization", "value": "Basic " + T2}],
     "body": {"mode": "urlencoded", "urlencoded": [
       {"key": "user", "value": "{{user}}", "type": "text"},
       {"key": "token", "value": "{{token}}", "type": "text"}]}}}]
}
open("vendor-v20.postman_collection.json", "w").write(json.dumps(v20, indent=2, ensure_ascii=False) + "\n")
