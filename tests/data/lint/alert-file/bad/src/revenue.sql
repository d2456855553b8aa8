SELECT sum(fare) AS revenue FROM samples.nyctaxi.trips
