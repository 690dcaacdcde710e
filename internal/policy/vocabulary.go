package policy

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
)

// Field is one variable a custom rule may read. The CEL environments are
// declared from the vocabulary alone, so a rule cannot read anything that
// is not in it, and the rule reference documents it from the same table.
type Field struct {
	Name string
	// Type is the CEL type the field is declared with.
	Type *cel.Type
	// Nullable fields are null where they do not apply (podSpec of a
	// Service, request outside admission).
	Nullable bool
	// PerContainer fields exist only in rules evaluated per container
	// (foreach: container); an object rule naming one does not compile.
	PerContainer bool
	Doc          string
	// Keys documents the keys of a map whose keys are fixed.
	Keys []FieldKey
	// doc is set for the fields read from the object's JSON document,
	// which a rule decodes (once per object) only when it names one.
	doc   bool
	value func(a *activation) any
}

// FieldKey is one key of a map-valued field.
type FieldKey struct {
	Name string
	Type string
	Doc  string
}

// TypeName returns the field's type as the reference shows it.
func (f Field) TypeName() string {
	if f.Nullable {
		return f.Type.String() + " or null"
	}
	return f.Type.String()
}

var (
	stringMap = cel.MapType(cel.StringType, cel.StringType)
	dynMap    = cel.MapType(cel.StringType, cel.DynType)
)

// vocabulary is every field, in the order the reference lists them.
var vocabulary = []Field{
	{Name: "object", Type: dynMap, doc: true, value: (*activation).object,
		Doc: "The object as submitted (its JSON): `object.spec.replicas`, `object.metadata.name`. Integers are int, other numbers double. A missing field is an error when read; test it with `has(object.spec.x)` or `object.?spec.x`."},
	{Name: "oldObject", Type: dynMap, Nullable: true, value: (*activation).oldObject,
		Doc: "The object before an UPDATE, as the API server sent it; null for other operations and outside admission."},
	{Name: "apiVersion", Type: cel.StringType, value: (*activation).apiVersion,
		Doc: "The object's apiVersion (`apps/v1`)."},
	{Name: "kind", Type: cel.StringType, value: (*activation).kind,
		Doc: "The object's kind (`Deployment`)."},
	{Name: "namespaceName", Type: cel.StringType, value: (*activation).namespace,
		Doc: "The object's namespace, empty for a cluster-scoped object (`namespace` is a reserved word of CEL)."},
	{Name: "name", Type: cel.StringType, value: (*activation).name,
		Doc: "The object's name, or its generateName prefix when the name is not set yet."},
	{Name: "labels", Type: stringMap, value: (*activation).labels,
		Doc: "The object's metadata.labels, empty when it has none."},
	{Name: "annotations", Type: stringMap, value: (*activation).annotations,
		Doc: "The object's metadata.annotations, empty when it has none."},
	{Name: "podSpec", Type: dynMap, Nullable: true, doc: true, value: (*activation).podSpec,
		Doc: "The pod spec of a pod-bearing kind (a Pod's spec, a Deployment's spec.template.spec, a CronJob's spec.jobTemplate.spec.template.spec); null for other kinds."},
	{Name: "podMetadata", Type: dynMap, Nullable: true, doc: true, value: (*activation).podMetadata,
		Doc: "The metadata of the pod or pod template of a pod-bearing kind; null for other kinds."},
	{Name: "podLabels", Type: stringMap, value: (*activation).podLabels,
		Doc: "The labels the pods will run with (the pod template's labels), empty for other kinds."},
	{Name: "request", Type: dynMap, Nullable: true, value: (*activation).request,
		Doc: "The admission request; null outside admission (`bulwark policy test`).",
		Keys: []FieldKey{
			{"operation", "string", "CREATE, UPDATE, DELETE or CONNECT."},
			{"userName", "string", "Who sent the request."},
			{"groups", "list(string)", "The groups of who sent it."},
			{"subResource", "string", "The subresource (`status`), empty for the object itself."},
			{"dryRun", "bool", "Whether the request is a dry run (evaluated like any other)."},
		}},
	{Name: "params", Type: dynMap, value: (*activation).params,
		Doc: "The rule's parameters: the declared defaults with the configuration's values over them. Naming an undeclared parameter (`params.x`) is refused at load."},
	{Name: "container", Type: dynMap, PerContainer: true, doc: true, value: (*activation).container,
		Doc: "The container being checked, as submitted (`container.securityContext.privileged`). Init, regular and ephemeral containers are each checked, except those the rule's scope excludes."},
	{Name: "containerType", Type: cel.StringType, PerContainer: true, value: (*activation).containerType,
		Doc: "Which list of the pod spec the container is in: `containers`, `initContainers` or `ephemeralContainers`."},
	{Name: "image", Type: stringMap, PerContainer: true, value: (*activation).image,
		Doc: "The container's image reference, parsed as the container runtime reads it. Every key is present; all but reference are empty when the reference does not parse.",
		Keys: []FieldKey{
			{"reference", "string", "The reference as written (`nginx:1.27`)."},
			{"name", "string", "The full repository name (`docker.io/library/nginx`)."},
			{"registry", "string", "The registry host (`docker.io`, `registry.example.com:5000`)."},
			{"repository", "string", "The path in the registry (`library/nginx`)."},
			{"tag", "string", "The tag, empty when there is none (the runtime then pulls latest)."},
			{"digest", "string", "The digest (`sha256:...`), empty when there is none."},
		}},
}

// Vocabulary returns the fields custom rules may read, in reference order.
func Vocabulary() []Field { return append([]Field(nil), vocabulary...) }

// declare returns the CEL declarations of the fields an object rule or,
// with perContainer, a container rule sees.
func declare(perContainer bool) []cel.EnvOption {
	var out []cel.EnvOption
	for _, f := range vocabulary {
		if f.PerContainer && !perContainer {
			continue
		}
		t := f.Type
		if f.Nullable {
			t = types.NewNullableType(t)
		}
		out = append(out, cel.Variable(f.Name, t))
	}
	return out
}
