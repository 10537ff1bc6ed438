package ecsdef

import "reflect"

// deepCopy returns a copy of v that shares no pointers, slices or maps with it, so
// normalising never mutates the caller's value. Free-form documents are shared: the
// SDK treats them as immutable.
func deepCopy[T any](v T) T {
	in := reflect.ValueOf(&v).Elem()
	out := reflect.New(in.Type()).Elem()
	copyValue(out, in)
	return out.Interface().(T)
}

func copyValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyValue(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			copyValue(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			ev := reflect.New(src.Type().Elem()).Elem()
			copyValue(ev, iter.Value())
			m.SetMapIndex(iter.Key(), ev)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src) // value fields, and unexported state such as time.Time's
		if src.Type() == timeType {
			return
		}
		for i := 0; i < src.NumField(); i++ {
			if src.Type().Field(i).IsExported() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		if src.Type() == documentType {
			dst.Set(src)
			return
		}
		inner := src.Elem()
		c := reflect.New(inner.Type()).Elem()
		copyValue(c, inner)
		dst.Set(c)
	default:
		dst.Set(src)
	}
}
