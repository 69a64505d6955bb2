"""HTTP API of the shop service.

Run with ``uvicorn app.main:app --reload``.
"""
from datetime import datetime, timezone
from typing import List, Optional

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import get_session
from app.models import Customer, Order, OrderItem, Product

app = FastAPI(title="shop")


class ProductOut(BaseModel):
    id: int
    sku: str
    name: str
    price_cents: int
    description: Optional[str] = None

    class Config:
        orm_mode = True


class OrderItemIn(BaseModel):
    product_id: int
    quantity: int


class OrderIn(BaseModel):
    customer_id: int
    items: List[OrderItemIn]
    currency: str = "EUR"


class OrderOut(BaseModel):
    public_id: str
    status: str
    total_cents: int
    currency: str

    class Config:
        orm_mode = True


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.get("/products", response_model=List[ProductOut])
def list_products(session: Session = Depends(get_session)):
    return session.execute(select(Product).order_by(Product.name)).scalars().all()


@app.get("/products/{sku}", response_model=ProductOut)
def get_product(sku: str, session: Session = Depends(get_session)):
    product = session.execute(
        select(Product).where(Product.sku == sku)
    ).scalar_one_or_none()
    if product is None:
        raise HTTPException(status_code=404, detail="unknown product")
    return product


@app.post("/orders", response_model=OrderOut, status_code=201)
def place_order(order_in: OrderIn, session: Session = Depends(get_session)):
    customer = session.get(Customer, order_in.customer_id)
    if customer is None:
        raise HTTPException(status_code=404, detail="unknown customer")
    if not order_in.items:
        raise HTTPException(status_code=422, detail="an order needs items")

    order = Order(customer=customer, currency=order_in.currency, total_cents=0)
    for line in order_in.items:
        product = session.get(Product, line.product_id)
        if product is None:
            raise HTTPException(status_code=404, detail="unknown product")
        order.items.append(
            OrderItem(
                product=product,
                quantity=line.quantity,
                unit_price_cents=product.price_cents,
            )
        )
        order.total_cents += product.price_cents * line.quantity

    order.placed_at = datetime.now(timezone.utc)
    session.add(order)
    session.commit()
    return order


@app.get("/orders/{public_id}", response_model=OrderOut)
def get_order(public_id: str, session: Session = Depends(get_session)):
    order = session.execute(
        select(Order).where(Order.public_id == public_id)
    ).scalar_one_or_none()
    if order is None:
        raise HTTPException(status_code=404, detail="unknown order")
    return order
