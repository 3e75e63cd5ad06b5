/* Builds a JSON object with json-c and prints it. */
#include <stdio.h>
#include <json.h>

int main(void) {
  json_object *obj = json_object_new_object();
  json_object_object_add(obj, "answer", json_object_new_int(42));
  printf("json-c %s: %s\n", json_c_version(),
         json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
  json_object_put(obj);
  return 0;
}
