using System.Linq.Expressions;
using MudBlazor;

namespace MailHost.Admin.Web.Logs;

/// <summary>Turns a MudDataGrid state into a database query: sort by the clicked column, then one page.</summary>
public static class GridQuery
{
    /// <summary>Sorts by the grid's first sort definition (a property name) or by <paramref name="fallback"/> descending.</summary>
    public static IQueryable<T> Sort<T, TKey>(IQueryable<T> query, GridState<T> state, Expression<Func<T, TKey>> fallback)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        if (sort is null || string.IsNullOrEmpty(sort.SortBy) || typeof(T).GetProperty(sort.SortBy) is not { } property)
        {
            return query.OrderByDescending(fallback);
        }
        // Only real properties of the entity reach the expression, so the column name cannot inject anything.
        var parameter = Expression.Parameter(typeof(T), "e");
        var key = Expression.Lambda(Expression.Property(parameter, property), parameter);
        var method = sort.Descending ? nameof(Queryable.OrderByDescending) : nameof(Queryable.OrderBy);
        var call = Expression.Call(typeof(Queryable), method, [typeof(T), property.PropertyType], query.Expression, Expression.Quote(key));
        return query.Provider.CreateQuery<T>(call);
    }

    public static IQueryable<T> Page<T>(IQueryable<T> query, GridState<T> state) =>
        query.Skip(state.Page * state.PageSize).Take(state.PageSize);
}
